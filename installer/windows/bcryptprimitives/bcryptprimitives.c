/* bcryptprimitives.dll for Wine 8.0, which lacks it (Wine 9 has it). Rust's standard library
 * (Rust >= 1.78) takes its random numbers from bcryptprimitives!ProcessPrng, so the Windows
 * wheels built with Rust (cryptography, pydantic-core, rpds-py) fail to load without it.
 * Test-only: a real Windows has the DLL; the installer does not ship this. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len)
    {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance; (void)reason; (void)reserved;
    return TRUE;
}
