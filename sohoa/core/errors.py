"""One error hierarchy for the core, and the one place that maps errors to exit codes.

Each error carries a user-facing :class:`~sohoa.core.i18n.Text` (what happened and what to
do, in Vietnamese and English). ``str(error)`` is the English text, which is what
logs get. Packages outside ``app`` (scanners, signing, offline_queue) subclass
these classes so the CLI and UI handle every failure the same way.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar

from sohoa.core.i18n import Text


class ExitCode(IntEnum):
    """Exit codes of the ``sohoa`` command (stable: scripts depend on them)."""

    OK = 0
    OTHER = 1  # an unexpected failure (a bug): run with -v and report it
    BAD_ARGS = 2  # argparse's own code for bad usage
    INPUT = 3  # an input file is unreadable, malformed, or not allowed
    MISSING_DEPENDENCY = 4  # a program, language pack, font or module is missing
    DEVICE = 5  # scanner or token problem
    OUTPUT = 6  # the output could not be written or failed validation
    SIGNATURE = 7  # signing failed, or a signature does not verify
    NETWORK = 8  # the repository could not be reached or refused an upload
    CONFIG = 9  # the configuration or a profile is invalid
    VALIDATION = 10  # an identifier or metadata value is invalid
    CANCELLED = 130  # cancelled by the user (Ctrl+C)


class SoHoaError(Exception):
    """Base of every expected failure. Subclasses set ``text`` and ``exit_code``."""

    exit_code: ClassVar[ExitCode] = ExitCode.OTHER
    text: ClassVar[Text] = Text(
        vi="Đã xảy ra lỗi không mong muốn: {detail}. Hãy chạy lại với -v và gửi nhật ký cho bộ phận hỗ trợ.",
        en="An unexpected error occurred: {detail}. Run again with -v and send the log to support.",
    )

    def __init__(self, text: Text | None = None, /, **params: Any) -> None:
        if text is not None:
            self.text = text  # type: ignore[misc]  # an instance may carry its own sentence
        self.params = params
        super().__init__(self.text.render("en", **params))

    def message(self, lang: str | None = None) -> str:
        """The user-facing sentence in ``lang`` (default: the current language)."""
        return self.text.render(lang, **self.params)


class InputError(SoHoaError):
    exit_code = ExitCode.INPUT
    text = Text(
        vi="Không đọc được tệp đầu vào {path}: {detail}. Hãy kiểm tra tệp rồi thử lại.",
        en="Cannot read the input file {path}: {detail}. Check the file and try again.",
    )


class MissingDependencyError(SoHoaError):
    exit_code = ExitCode.MISSING_DEPENDENCY
    text = Text(
        vi="Thiếu thành phần {what}. Hãy cài đặt: {install}. Chạy 'sohoa doctor' để kiểm tra.",
        en="{what} is missing. Install it: {install}. Run 'sohoa doctor' to check.",
    )


class DeviceError(SoHoaError):
    exit_code = ExitCode.DEVICE
    text = Text(
        vi="Lỗi thiết bị: {detail}. Hãy kiểm tra thiết bị rồi thử lại.",
        en="Device error: {detail}. Check the device and try again.",
    )


class OutputError(SoHoaError):
    exit_code = ExitCode.OUTPUT
    text = Text(
        vi="Không ghi được tệp kết quả {path}: {detail}. Hãy kiểm tra chỗ trống trên đĩa và quyền ghi.",
        en="Cannot write the output file {path}: {detail}. Check free disk space and write permission.",
    )


class SignatureError(SoHoaError):
    exit_code = ExitCode.SIGNATURE
    text = Text(
        vi="Lỗi chữ ký số: {detail}.",
        en="Digital signature error: {detail}.",
    )


class NetworkError(SoHoaError):
    exit_code = ExitCode.NETWORK
    text = Text(
        vi="Không kết nối được với kho dữ liệu: {detail}. Tài liệu vẫn nằm trong hàng đợi và sẽ được gửi lại.",
        en="Cannot reach the repository: {detail}. The documents stay in the queue and will be sent again.",
    )


class ConfigError(SoHoaError):
    exit_code = ExitCode.CONFIG
    text = Text(
        vi="Cấu hình không hợp lệ ({path}): {detail}. Hãy sửa tệp cấu hình rồi chạy lại.",
        en="Invalid configuration ({path}): {detail}. Fix the configuration file and run again.",
    )


class SettingLockedError(ConfigError):
    text = Text(
        vi="Thiết lập '{key}' đã được quản trị viên khóa và không thể thay đổi. Hãy liên hệ quản trị viên.",
        en="The setting '{key}' is locked by the administrator and cannot be changed. Contact your administrator.",
    )


class ValidationError(SoHoaError):
    """An identifier or metadata value a clerk typed is wrong; the text says how."""

    exit_code = ExitCode.VALIDATION
    text = Text(vi="Giá trị không hợp lệ: {detail}.", en="Invalid value: {detail}.")


class StoreError(SoHoaError):
    exit_code = ExitCode.OUTPUT
    text = Text(
        vi="Lỗi cơ sở dữ liệu cục bộ ({path}): {detail}. Hãy kiểm tra chỗ trống trên đĩa; dữ liệu đã lưu không bị mất.",
        en="Local database error ({path}): {detail}. Check free disk space; data already saved is not lost.",
    )


class CancelledError(SoHoaError):
    exit_code = ExitCode.CANCELLED
    text = Text(vi="Đã hủy theo yêu cầu.", en="Cancelled at the user's request.")


def exit_code_for(error: BaseException) -> ExitCode:
    """Map any exception to the exit code the CLI returns."""
    if isinstance(error, SoHoaError):
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.CANCELLED
    return ExitCode.OTHER


# -- the one way an error crosses a process boundary ------------------------------------------------
# Worker processes (the pipeline's page pool, the SANE worker, the preview helper, the reference
# server's check pool) send a typed error as a plain dict and the parent raises the same class with
# the same sentence. Pickling uses the same form (``SoHoaError.__reduce__``), so an error raised in a
# ``concurrent.futures`` pool arrives whole too.
_WIRE_ROOTS = ("sohoa.", "reference_repository.")


def to_wire(error: SoHoaError) -> dict[str, Any]:
    """A JSON- and pickle-safe form of ``error``: its class, its parameters, its own sentence if any."""
    data: dict[str, Any] = {
        "module": type(error).__module__,
        "cls": type(error).__qualname__,
        "params": dict(error.params),
    }
    if "text" in vars(error):  # an instance that carries its own sentence
        data["text"] = {"vi": error.text.vi, "en": error.text.en}
    return data


def from_wire(data: dict[str, Any]) -> SoHoaError:
    """The error :func:`to_wire` described (a plain :class:`SoHoaError` if its class is unknown here)."""
    import importlib

    cls: type[SoHoaError] = SoHoaError
    module, name = str(data.get("module", "")), str(data.get("cls", ""))
    if module.startswith(_WIRE_ROOTS):  # never import a module a peer names outside the app
        try:
            found = importlib.import_module(module)
            for part in name.split("."):
                found = getattr(found, part)
            if isinstance(found, type) and issubclass(found, SoHoaError):
                cls = found
        except (ImportError, AttributeError):
            pass
    params = dict(data.get("params") or {})
    text = Text(**data["text"]) if isinstance(data.get("text"), dict) else None
    if cls is SoHoaError and "detail" not in params:
        params["detail"] = f"{module}.{name}"
    try:
        return cls(text, **params)
    except TypeError:  # a class with its own constructor: rebuild it without calling it
        error = cls.__new__(cls)
        SoHoaError.__init__(error, text, **params)
        return error


def _reduce(self: SoHoaError) -> tuple[Any, tuple[dict[str, Any]]]:
    return (from_wire, (to_wire(self),))


SoHoaError.__reduce__ = _reduce  # type: ignore[method-assign,assignment]
