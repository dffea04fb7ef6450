"""Signing with the clerk's PKCS#11 token: PAdES through pyHanko and python-pkcs11."""
