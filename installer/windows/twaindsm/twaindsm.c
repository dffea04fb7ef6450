/* twaindsm.dll for Wine: pytwain loads "twaindsm.dll" on 64-bit Windows, Wine ships its TWAIN
 * Data Source Manager as twain_32.dll. This DLL holds no code of its own: twaindsm.def forwards
 * DSM_Entry to twain_32.DSM_Entry, so the DSM keeps its own module handle (a plain copy of
 * twain_32.dll under the other name breaks opening a source). */
#include <windows.h>

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance; (void)reason; (void)reserved;
    return TRUE;
}
