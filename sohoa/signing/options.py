"""Which token and certificate sign, mapped once from ``[signing]`` (with a caller's overrides).

:class:`sohoa.signing.pades.SignOptions` says *how* to sign; :class:`TokenChoice` says *with what*.
"""

from __future__ import annotations

from dataclasses import dataclass

from sohoa.core.config import Signing
from sohoa.core.errors import InputError
from sohoa.signing.pades import SignOptions

__all__ = ["SignOptions", "TokenChoice"]


@dataclass(frozen=True)
class TokenChoice:
    module: str
    label: str
    serial: str = ""
    cert_id: bytes | None = None

    @classmethod
    def from_config(
        cls,
        signing: Signing,
        *,
        module: str | None = None,
        label: str | None = None,
        serial: str | None = None,
        cert_id: str | None = None,
    ) -> TokenChoice:
        """The configured token (the first known PKCS#11 module when none is set); overrides win."""
        from sohoa.signing.errors import ModuleNotFound
        from sohoa.signing.modules import find_modules

        chosen = module or ""
        if not chosen:
            found = find_modules(signing.pkcs11_module)
            if not found:
                raise ModuleNotFound(module=signing.pkcs11_module or "?")
            chosen = str(found[0])
        token = label or signing.token_label
        if not token:
            raise InputError(
                path="--token", detail="no token label given (use --token or signing.token_label)"
            )
        hexid = cert_id or signing.cert_id
        try:
            cid = bytes.fromhex(hexid) if hexid else None
        except ValueError as e:
            raise InputError(path="--cert-id", detail=f"not hexadecimal: {hexid!r}") from e
        return cls(chosen, token, serial or signing.token_serial, cid)
