"""PKCS#11 tokens: load a module, list tokens and their certificates, log in once, always close.

The PIN is only ever passed through to ``C_Login``: it is never stored, logged or retried. The
token's PIN state (count low, final try, locked) is read from the token flags before login, so the
clerk is warned before typing, and read again after a wrong PIN so the message says what is left.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import x509 as asn1_x509
from pkcs11 import Attribute, ObjectClass, TokenFlag
from pkcs11 import exceptions as p11e

from sohoa.core.i18n import Text
from sohoa.signing import errors

log = logging.getLogger(__name__)

# Errors that mean the token (or its reader) went away rather than a problem with one document.
DEVICE_GONE = (
    p11e.DeviceRemoved,
    p11e.TokenNotPresent,
    p11e.TokenNotRecognised,
    p11e.SessionClosed,
    p11e.SessionHandleInvalid,
    p11e.DeviceError,
    p11e.GeneralError,
    p11e.ObjectHandleInvalid,
    p11e.KeyHandleInvalid,
    p11e.UserNotLoggedIn,
)


@dataclass(frozen=True)
class PinState:
    """What the token says about its user PIN, from CKF_USER_PIN_* flags (no login needed)."""

    count_low: bool = False
    final_try: bool = False
    locked: bool = False
    to_be_changed: bool = False

    @classmethod
    def from_flags(cls, flags: int) -> PinState:
        return cls(
            count_low=bool(flags & TokenFlag.USER_PIN_COUNT_LOW),
            final_try=bool(flags & TokenFlag.USER_PIN_FINAL_TRY),
            locked=bool(flags & TokenFlag.USER_PIN_LOCKED),
            to_be_changed=bool(flags & TokenFlag.USER_PIN_TO_BE_CHANGED),
        )

    @property
    def key(self) -> str:
        """ "locked", "final_try", "count_low" or "ok" (the most serious state first)."""
        if self.locked:
            return "locked"
        if self.final_try:
            return "final_try"
        return "count_low" if self.count_low else "ok"

    @property
    def text(self) -> Text:
        return errors.PIN_STATE_TEXT[self.key]


@dataclass(frozen=True)
class CertInfo:
    """A certificate on a token, as the clerk picks it: holder, issuer, validity, key usage."""

    cert_id: bytes
    label: str
    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    key_usage: tuple[str, ...]
    certificate: asn1_x509.Certificate = field(repr=False)
    has_private_key: bool | None = None  # None: unknown until logged in

    @property
    def cert_id_hex(self) -> str:
        return self.cert_id.hex()

    def as_dict(self) -> dict[str, Any]:
        return {
            "cert_id": self.cert_id_hex,
            "label": self.label,
            "subject": self.subject,
            "issuer": self.issuer,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "key_usage": list(self.key_usage),
            "has_private_key": self.has_private_key,
        }


@dataclass(frozen=True)
class TokenInfo:
    label: str
    serial: str
    manufacturer: str
    model: str
    pin_state: PinState
    certificates: list[CertInfo]


def common_name(name: asn1_x509.Name) -> str:
    """The CN of a name (the holder's name as shown), else the whole name."""
    native = name.native
    return str(native.get("common_name") or name.human_friendly)


def cert_info(der: bytes, cert_id: bytes, label: str, has_private_key: bool | None = None) -> CertInfo:
    cert = asn1_x509.Certificate.load(der)
    validity = cert["tbs_certificate"]["validity"]
    return CertInfo(
        cert_id=cert_id,
        label=label,
        subject=common_name(cert.subject),
        issuer=common_name(cert.issuer),
        not_before=validity["not_before"].native,
        not_after=validity["not_after"].native,
        key_usage=tuple(sorted(cert.key_usage_value.native)) if cert.key_usage_value else (),
        certificate=cert,
        has_private_key=has_private_key,
    )


def load_module(module: str | Path) -> Any:
    """Load (once per process) and initialise a PKCS#11 module, with typed errors.

    An empty ``module`` means the first known module installed here (:mod:`signing.modules`).
    """
    path = str(module)
    if not path:
        from sohoa.signing.modules import find_modules

        found = find_modules()
        path = str(found[0]) if found else ""
    if not path or not Path(path).is_file():
        raise errors.ModuleNotFound(module=path or "?")
    from sohoa.signing.modules import module_bits, process_bits

    bits = module_bits(path)
    if bits is not None and bits != process_bits():
        raise errors.Module32Bit(module=path)
    try:
        lib = pkcs11.lib(path)
        if not lib.initialized:
            lib.initialize()
        return lib
    except p11e.PKCS11Error as e:
        raise errors.ModuleLoadFailed(
            module=path, detail=type(e).__name__ + (f" {e}" if str(e) else "")
        ) from e


def _present_tokens(lib: Any) -> list[Any]:
    tokens = []
    for slot in lib.get_slots(token_present=True):
        with contextlib.suppress(p11e.PKCS11Error):
            token = slot.get_token()
            if token.flags & TokenFlag.TOKEN_INITIALIZED:
                tokens.append(token)
    return tokens


def _serial(token: Any) -> str:
    raw = token.serial
    return raw.decode("ascii", "replace").strip() if isinstance(raw, bytes) else str(raw)


def find_token(lib: Any, label: str = "", serial: str = "") -> Any:
    """The present token with this label (and serial, when given); :class:`NoToken` otherwise."""
    try:
        tokens = _present_tokens(lib)
    except p11e.PKCS11Error as e:
        raise errors.NoToken(label=label or serial, present="-") from e
    for token in tokens:
        if (not label or token.label == label) and (not serial or _serial(token) == serial):
            return token
    present = ", ".join(repr(t.label) for t in tokens) or "-"
    raise errors.NoToken(label=label or serial or "?", present=present)


def token_present(lib: Any, label: str, serial: str = "") -> bool:
    """Whether the token still answers (used after a failure to tell "pulled out" from "bad file")."""
    try:
        find_token(lib, label, serial)
        return True
    except errors.NoToken:
        return False


def _certificates(session: Any, with_keys: bool) -> list[CertInfo]:
    # PKCS#11 allows one object search per session at a time: finish each search before the next
    objects = [
        (bytes(obj[Attribute.ID] or b""), str(obj[Attribute.LABEL] or ""), bytes(obj[Attribute.VALUE]))
        for obj in list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}))
    ]
    key_ids = _private_key_ids(session) if with_keys else set()
    out = []
    for cert_id, label, der in objects:
        try:
            out.append(cert_info(der, cert_id, label, (cert_id in key_ids) if with_keys else None))
        except ValueError:
            log.warning("skipping an unreadable certificate object on the token (id %s)", cert_id.hex())
    return out


def _private_key_ids(session: Any) -> set[bytes]:
    keys = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}))
    return {bytes(k[Attribute.ID] or b"") for k in keys}


def list_tokens(module: str | Path) -> list[TokenInfo]:
    """Every token present on ``module`` with its PIN state and certificates (no PIN needed)."""
    lib = load_module(module)
    result = []
    for token in _present_tokens(lib):
        certs: list[CertInfo] = []
        with contextlib.suppress(p11e.PKCS11Error), token.open() as session:
            certs = _certificates(session, with_keys=False)
        result.append(
            TokenInfo(
                label=token.label,
                serial=_serial(token),
                manufacturer=token.manufacturer_id,
                model=token.model,
                pin_state=PinState.from_flags(token.flags),
                certificates=certs,
            )
        )
    return result


@dataclass
class TokenSession:
    """A logged-in session on one token; close it with the context manager that made it."""

    lib: Any
    token: Any
    session: Any
    label: str
    serial: str

    def certificates(self) -> list[CertInfo]:
        """Certificates on the token, each saying whether a private key with its CKA_ID is there."""
        return _certificates(self.session, with_keys=True)

    def select_certificate(self, cert_id: bytes | None = None) -> CertInfo:
        """The certificate to sign with: ``cert_id``, else the only one with a private key.

        Raises :class:`CertificateNotFound` or :class:`NoPrivateKey`.
        """
        certs = self.certificates()
        if cert_id is not None:
            chosen = [c for c in certs if c.cert_id == cert_id]
            if not chosen:
                raise errors.CertificateNotFound(cert_id=cert_id.hex(), label=self.label)
            cert = chosen[0]
            if not cert.has_private_key:
                raise errors.NoPrivateKey(subject=cert.subject)
            return cert
        usable = [c for c in certs if c.has_private_key]
        if usable:
            return usable[0]
        if certs:
            raise errors.NoPrivateKey(subject=certs[0].subject)
        raise errors.CertificateNotFound(cert_id="-", label=self.label)

    def still_present(self) -> bool:
        return token_present(self.lib, self.label, self.serial)


def pin_state(module: str | Path, label: str, serial: str = "") -> PinState:
    """The token's PIN state, to show before asking for the PIN."""
    return PinState.from_flags(find_token(load_module(module), label, serial).flags)


@contextlib.contextmanager
def open_session(module: str | Path, label: str, pin: str, *, serial: str = "") -> Iterator[TokenSession]:
    """Log in to the token once and yield a :class:`TokenSession`; the session is always closed.

    A locked PIN is refused before login (no attempt is spent). A wrong PIN raises :class:`WrongPin`
    with the PIN state read again after the failure; it is never retried here.
    """
    lib = load_module(module)
    token = find_token(lib, label, serial)
    state = PinState.from_flags(token.flags)
    if state.locked:
        raise errors.PinLocked(label=token.label)
    if not pin and not token.flags & TokenFlag.PROTECTED_AUTHENTICATION_PATH:
        raise errors.PinRequired(var="SOHOA_PIN")
    try:
        session = token.open(user_pin=pin or pkcs11.PROTECTED_AUTH)
    except (p11e.PinIncorrect, p11e.PinInvalid, p11e.PinLenRange) as e:
        after = _state_after_failure(lib, token)
        log.warning("token login refused: wrong PIN (PIN state now: %s)", after.key)
        if after.locked:
            raise errors.PinLocked(label=token.label) from e
        raise errors.WrongPin(after.key) from e
    except p11e.PinLocked as e:
        raise errors.PinLocked(label=token.label) from e
    except DEVICE_GONE as e:
        raise errors.NoToken(label=label, present="-") from e
    log.info("logged in to token %r", token.label)
    try:
        yield TokenSession(lib=lib, token=token, session=session, label=token.label, serial=_serial(token))
    finally:
        with contextlib.suppress(p11e.PKCS11Error):
            session.close()
        log.debug("token session closed")


def _state_after_failure(lib: Any, token: Any) -> PinState:
    try:
        return PinState.from_flags(find_token(lib, token.label, _serial(token)).flags)
    except errors.NoToken:
        return PinState()
