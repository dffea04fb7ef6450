"""The repository password lives in the OS keyring (``keyring``), never in the config file."""

from __future__ import annotations

import keyring
import keyring.errors

from sohoa.core.errors import ConfigError
from sohoa.core.i18n import Text

SERVICE = "sohoa-repository"


class KeyringUnavailable(ConfigError):
    text = Text(
        vi="Không dùng được kho khóa của hệ điều hành ({detail}). Hãy mở khóa phiên làm việc "
        "(Windows Credential Manager, GNOME Keyring/KWallet) rồi thử lại.",
        en="The system keyring is not available ({detail}). Unlock your session's keyring "
        "(Windows Credential Manager, GNOME Keyring/KWallet) and try again.",
    )


def _account(url: str, username: str) -> str:
    return f"{username}@{url.rstrip('/')}"


def store_password(url: str, username: str, password: str) -> None:
    try:
        keyring.set_password(SERVICE, _account(url, username), password)
    except keyring.errors.KeyringError as e:
        raise KeyringUnavailable(detail=type(e).__name__) from e


def load_password(url: str, username: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, _account(url, username))
    except keyring.errors.KeyringError as e:
        raise KeyringUnavailable(detail=type(e).__name__) from e


def delete_password(url: str, username: str) -> None:
    try:
        keyring.delete_password(SERVICE, _account(url, username))
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as e:
        raise KeyringUnavailable(detail=type(e).__name__) from e
