/* sohoa-crt-math-fix.dll, for the Wine test prefix only: Wine 8.0's ucrtbase.dll has the C99
 * complex functions (crealf, ccos, cpow...) as stubs that abort when called, and numpy calls
 * crealf as it is imported. numpy's .pyd files are pointed at this DLL (same imports, renamed
 * DLL) by patch_numpy.py: it implements the stubbed functions and forwards the rest of
 * api-ms-win-crt-math to ucrtbase (see crtfix.def, made by build.sh). The shipped app keeps
 * numpy unpatched: a real Windows has a complete ucrtbase.
 * MSVC's _Fcomplex/_Dcomplex are structs (and its long double is a double), passed and returned
 * as structs in the Windows x64 ABI, which mingw-w64 follows for structs. */
#include <complex.h>
#include <math.h>

typedef struct { float r, i; } Fc;
typedef struct { double r, i; } Dc;

static float _Complex f2c(Fc z) { return z.r + z.i * I; }
static double _Complex d2c(Dc z) { return z.r + z.i * I; }
static Fc c2f(float _Complex z) { Fc o = { crealf(z), cimagf(z) }; return o; }
static Dc c2d(double _Complex z) { Dc o = { creal(z), cimag(z) }; return o; }

float fix_crealf(Fc z) { return z.r; }
float fix_cimagf(Fc z) { return z.i; }
double fix_cimag(Dc z) { return z.i; }
double fix_creall(Dc z) { return z.r; }
double fix_cimagl(Dc z) { return z.i; }
float fix_cabsf(Fc z) { return hypotf(z.r, z.i); }
double fix_cabsl(Dc z) { return hypot(z.r, z.i); }
double fix_carg(Dc z) { return atan2(z.i, z.r); }
float fix_cargf(Fc z) { return atan2f(z.i, z.r); }
double fix_cargl(Dc z) { return atan2(z.i, z.r); }

#define UNARY(name) \
    Dc fix_##name(Dc z) { return c2d(name(d2c(z))); } \
    Fc fix_##name##f(Fc z) { return c2f(name##f(f2c(z))); } \
    Dc fix_##name##l(Dc z) { return c2d(name(d2c(z))); }
UNARY(ccos)
UNARY(ccosh)
UNARY(cexp)
UNARY(csin)
UNARY(csinh)
UNARY(ctan)
UNARY(ctanh)

Dc fix_cpow(Dc a, Dc b) { return c2d(cpow(d2c(a), d2c(b))); }
Fc fix_cpowf(Fc a, Fc b) { return c2f(cpowf(f2c(a), f2c(b))); }
Dc fix_cpowl(Dc a, Dc b) { return c2d(cpow(d2c(a), d2c(b))); }
