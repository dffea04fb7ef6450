"""The server's accounts: hashed passwords (scrypt), a role and an agency per user.

Users file, one account a line (``sohoa-repository add-user FILE NAME`` writes them)::

    name:scrypt$16384$8$1$<salt base64>$<hash base64>:role:agency

``role`` is ``clerk`` (default: sees and commits only its own uploads and documents),
``agency`` (also reads every document of its agency) or ``admin`` (everything, and the
``/_admin`` endpoints). A line with a plain-text password is refused: a file that leaks
must not hand out the passwords.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROLES = ("clerk", "agency", "admin")
_N, _R, _P = 2**14, 8, 1  # scrypt cost: ~16 MB and ~50 ms a check


class UsersFileError(ValueError):
    """The users file cannot be used (its message says which line and why)."""


@dataclass(frozen=True)
class Principal:
    """Who a request comes from (``name`` is "" on a server without a users file)."""

    name: str
    role: str = "clerk"
    agency: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


OPEN = Principal("", "admin", "")  # a server started without --users: one anonymous operator


@dataclass(frozen=True)
class Account:
    principal: Principal
    password_hash: str


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join(
        [
            "scrypt",
            str(_N),
            str(_R),
            str(_P),
            base64.b64encode(salt).decode(),
            base64.b64encode(digest).decode(),
        ]
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=64 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


_DUMMY = hash_password(secrets.token_hex(8))  # checked for unknown names, so timing tells nothing


class Users:
    """The accounts, with a small cache of successful checks (scrypt is slow on purpose)."""

    def __init__(self, accounts: dict[str, Account]) -> None:
        self.accounts = accounts
        self._ok: dict[tuple[str, str], bool] = {}

    def authenticate(self, name: str, password: str) -> Principal | None:
        account = self.accounts.get(name)
        cache_key = (name, hashlib.sha256(password.encode("utf-8")).hexdigest())
        if account is not None and self._ok.get(cache_key):
            return account.principal
        ok = verify_password(password, account.password_hash if account else _DUMMY)
        if account is None or not ok:
            return None
        if len(self._ok) > 1000:
            self._ok.clear()
        self._ok[cache_key] = True
        return account.principal


def load_users(path: Path) -> Users:
    accounts: dict[str, Account] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split(":")
        name = parts[0].strip()
        if len(parts) < 2 or not name:
            raise UsersFileError(f"{path}:{number}: expected name:hash[:role[:agency]]")
        stored = parts[1]
        if not stored.startswith("scrypt$"):
            raise UsersFileError(
                f"{path}:{number}: the password of {name!r} is not hashed; store it with"
                f" 'sohoa-repository add-user {path} {name}'"
            )
        role = (parts[2].strip() if len(parts) > 2 else "") or "clerk"
        if role not in ROLES:
            raise UsersFileError(f"{path}:{number}: unknown role {role!r} (one of {', '.join(ROLES)})")
        agency = parts[3].strip() if len(parts) > 3 else ""
        accounts[name] = Account(Principal(name, role, agency), stored)
    return Users(accounts)


def add_user(path: Path, name: str, password: str, role: str = "clerk", agency: str = "") -> None:
    """Add or replace ``name`` in the users file (created 0600)."""
    if not name or ":" in name or ":" in agency or role not in ROLES:
        raise UsersFileError("a user name and agency may not hold ':' and the role must be a known one")
    lines = []
    if path.exists():
        lines = [x for x in path.read_text(encoding="utf-8").splitlines() if x.split(":")[0].strip() != name]
    lines.append(f"{name}:{hash_password(password)}:{role}:{agency}")
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, path)
