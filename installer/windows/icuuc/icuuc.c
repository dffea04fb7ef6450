/* icuuc.dll for the Wine test prefix only. Qt 6 on Windows loads the system's ICU
 * (C:\Windows\System32\icuuc.dll, in Windows 10 1903 and later) for the charset converters
 * behind QStringConverter's non-Unicode encodings; Wine 8.0 has no icuuc.dll, so Qt6Core.dll
 * (and so all of PySide6) fails to load. This stand-in exports the 20 ucnv_* functions
 * Qt6Core imports and reports every converter as unavailable (Qt then keeps to UTF-8/16/32
 * and Latin-1, which is all SoHoa uses). A real Windows has the real ICU; never shipped. */
#include <stddef.h>
#include <stdint.h>

typedef int UErrorCode;
#define U_FILE_ACCESS_ERROR 4
#define EXPORT __declspec(dllexport)

static void fail(UErrorCode *err) { if (err && *err <= 0) *err = U_FILE_ACCESS_ERROR; }

EXPORT void *ucnv_open(const char *name, UErrorCode *err) { (void)name; fail(err); return NULL; }
EXPORT void ucnv_close(void *cnv) { (void)cnv; }
EXPORT void ucnv_reset(void *cnv) { (void)cnv; }
EXPORT int8_t ucnv_getMaxCharSize(const void *cnv) { (void)cnv; return 1; }
EXPORT const char *ucnv_getName(const void *cnv, UErrorCode *err) { (void)cnv; fail(err); return ""; }
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(void *a, void *b, void *c, void *d, void *e, int f, UErrorCode *err)
{ (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; fail(err); }
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(void *a, void *b, void *c, void *d, int e, UErrorCode *err)
{ (void)a; (void)b; (void)c; (void)d; (void)e; fail(err); }
EXPORT void ucnv_getToUCallBack(const void *cnv, void **action, const void **context)
{ (void)cnv; if (action) *action = NULL; if (context) *context = NULL; }
EXPORT void ucnv_getFromUCallBack(const void *cnv, void **action, const void **context)
{ (void)cnv; if (action) *action = NULL; if (context) *context = NULL; }
EXPORT void ucnv_setToUCallBack(void *cnv, void *a, const void *c, void **oa, const void **oc, UErrorCode *err)
{ (void)cnv; (void)a; (void)c; if (oa) *oa = NULL; if (oc) *oc = NULL; fail(err); }
EXPORT void ucnv_setFromUCallBack(void *cnv, void *a, const void *c, void **oa, const void **oc, UErrorCode *err)
{ (void)cnv; (void)a; (void)c; if (oa) *oa = NULL; if (oc) *oc = NULL; fail(err); }
EXPORT void ucnv_cbToUWriteUChars(void *args, const void *src, int32_t len, int32_t off, UErrorCode *err)
{ (void)args; (void)src; (void)len; (void)off; fail(err); }
EXPORT void ucnv_cbFromUWriteUChars(void *args, const void **src, const void *lim, int32_t off, UErrorCode *err)
{ (void)args; (void)src; (void)lim; (void)off; fail(err); }
EXPORT void ucnv_toUnicode(void *cnv, void **t, const void *tl, const char **s, const char *sl, int32_t *o, int8_t f,
                           UErrorCode *err)
{ (void)cnv; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; fail(err); }
EXPORT void ucnv_fromUnicode(void *cnv, char **t, const char *tl, const void **s, const void *sl, int32_t *o, int8_t f,
                             UErrorCode *err)
{ (void)cnv; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; fail(err); }
EXPORT int32_t ucnv_toUCountPending(const void *cnv, UErrorCode *err) { (void)cnv; fail(err); return 0; }
EXPORT int32_t ucnv_fromUCountPending(const void *cnv, UErrorCode *err) { (void)cnv; fail(err); return 0; }
EXPORT const char *ucnv_getStandardName(const char *n, const char *s, UErrorCode *err)
{ (void)n; (void)s; fail(err); return NULL; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
