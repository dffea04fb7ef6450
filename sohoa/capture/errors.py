"""Typed capture errors: one class per thing a clerk can see go wrong at the scanner.

Every class carries a Vietnamese and English sentence saying what happened and what
to do. Errors raised during a batch keep the pages scanned so far in ``pages`` (never
lost: they are on disk and in the recovery journal). The SANE worker process raises
these same classes; they cross the process boundary in the core's one wire form
(:func:`sohoa.core.errors.to_wire` / :func:`~sohoa.core.errors.from_wire`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from sohoa.core.errors import DeviceError, ExitCode, InputError, MissingDependencyError, ValidationError
from sohoa.core.errors import from_wire as core_from_wire
from sohoa.core.errors import to_wire as core_to_wire
from sohoa.core.i18n import Text


class ScanError(DeviceError):
    """Base of every scanner failure; ``pages`` holds the pages kept before it."""

    text = Text(
        vi="Lỗi máy quét {device}: {detail}. Hãy kiểm tra máy quét rồi thử lại.",
        en="Scanner error on {device}: {detail}. Check the scanner and try again.",
    )
    # False when the error happens before anything touched the device (the setting is wrong).
    device_touched: ClassVar[bool] = True

    def __init__(self, text: Text | None = None, /, **params: Any) -> None:
        params.setdefault("device", "?")
        params.setdefault("detail", "")
        params.setdefault("count", 0)
        super().__init__(text, **params)
        self.pages: list[Any] = []  # ScannedPage objects, filled in by the driver

    def keep_pages(self, pages: list[Any]) -> ScanError:
        """Attach the pages kept so far (and count them in the message); return self."""
        self.pages = list(pages)
        self.params["count"] = len(self.pages)
        self.args = (self.text.render("en", **self.params),)
        return self


class NoDeviceError(ScanError):
    text = Text(
        vi="Không tìm thấy máy quét '{device}'. Hãy bật máy quét, kiểm tra cáp USB hoặc mạng, rồi chọn lại máy quét trong danh sách.",
        en="Scanner '{device}' was not found. Switch the scanner on, check the USB cable or network, then choose the scanner from the list again.",
    )


class DeviceBusyError(ScanError):
    text = Text(
        vi="Máy quét '{device}' đang bận (một chương trình khác đang dùng). Hãy đóng chương trình đó hoặc đợi quét xong, rồi thử lại.",
        en="Scanner '{device}' is busy (another program is using it). Close that program or wait for it to finish, then try again.",
    )


class AccessDeniedError(ScanError):
    text = Text(
        vi="Không có quyền dùng máy quét '{device}'. Hãy nhờ quản trị viên cấp quyền (nhóm 'scanner' trên Linux), rồi thử lại.",
        en="No permission to use scanner '{device}'. Ask the administrator for access (the 'scanner' group on Linux), then try again.",
    )


class FeederEmptyError(ScanError):
    text = Text(
        vi="Khay nạp giấy của máy quét '{device}' đang trống. Hãy đặt giấy vào khay (mặt cần quét theo hướng dẫn trên máy), rồi bấm Quét.",
        en="The document feeder of scanner '{device}' is empty. Load the pages into the feeder, then press Scan.",
    )


class PaperJamError(ScanError):
    text = Text(
        vi="Kẹt giấy trong máy quét '{device}'. Hãy mở nắp, gỡ tờ bị kẹt, đặt lại các trang chưa quét rồi bấm 'Quét tiếp'. {count} trang đã quét được giữ lại.",
        en="Paper jam in scanner '{device}'. Open the cover, remove the jammed sheet, reload the pages not yet scanned, then press 'Scan more'. The {count} pages scanned so far are kept.",
    )


class CoverOpenError(ScanError):
    text = Text(
        vi="Nắp máy quét '{device}' đang mở. Hãy đóng nắp rồi bấm 'Quét tiếp'. {count} trang đã quét được giữ lại.",
        en="The cover of scanner '{device}' is open. Close it, then press 'Scan more'. The {count} pages scanned so far are kept.",
    )


class ScanCancelledError(ScanError):
    exit_code = ExitCode.CANCELLED
    text = Text(
        vi="Đã dừng quét theo yêu cầu. {count} trang đã quét được giữ lại.",
        en="Scanning stopped at your request. The {count} pages scanned so far are kept.",
    )


class DisconnectedError(ScanError):
    text = Text(
        vi="Mất kết nối với máy quét '{device}' giữa chừng. {count} trang đã quét được giữ lại. Hãy kiểm tra cáp và nguồn điện, rồi bấm 'Quét tiếp' để quét các trang còn lại.",
        en="The connection to scanner '{device}' was lost in the middle of the batch. The {count} pages scanned so far are kept. Check the cable and power, then press 'Scan more' for the remaining pages.",
    )


class ScannerNotRespondingError(DisconnectedError):
    text = Text(
        vi="Máy quét '{device}' không phản hồi sau {seconds} giây nên đã bị ngắt. {count} trang đã quét được giữ lại. Hãy tắt rồi bật lại máy quét, sau đó bấm 'Quét tiếp'.",
        en="Scanner '{device}' did not respond for {seconds} seconds and was stopped. The {count} pages scanned so far are kept. Switch the scanner off and on again, then press 'Scan more'.",
    )


class DriverCrashedError(DisconnectedError):
    text = Text(
        vi="Trình điều khiển máy quét '{device}' bị dừng đột ngột ({detail}). {count} trang đã quét được giữ lại; trình điều khiển sẽ được khởi động lại. Hãy bấm 'Quét tiếp'.",
        en="The driver of scanner '{device}' stopped unexpectedly ({detail}). The {count} pages scanned so far are kept; the driver will be restarted. Press 'Scan more'.",
    )


class DeviceIOError(ScanError):
    text = Text(
        vi="Lỗi truyền dữ liệu với máy quét '{device}' ({detail}). {count} trang đã quét được giữ lại. Hãy kiểm tra cáp, tắt rồi bật lại máy quét và thử lại.",
        en="Data transfer error with scanner '{device}' ({detail}). The {count} pages scanned so far are kept. Check the cable, switch the scanner off and on, and try again.",
    )


class SettingRefusedError(ScanError):
    device_touched = False
    text = Text(
        vi="Máy quét '{device}' không hỗ trợ {setting} = {value}. Các giá trị máy hỗ trợ: {allowed}. Hãy chọn giá trị khác trong hồ sơ quét.",
        en="Scanner '{device}' does not support {setting} = {value}. Values it supports: {allowed}. Choose another value in the scan profile.",
    )

    _LABELS: ClassVar[dict[str, tuple[str, str]]] = {
        "source": ("nguồn giấy", "paper source"),
        "mode": ("chế độ màu", "colour mode"),
        "dpi": ("độ phân giải (dpi)", "resolution (dpi)"),
        "paper": ("khổ giấy", "paper size"),
    }

    def message(self, lang: str | None = None) -> str:
        from sohoa.core.i18n import language

        vi, en = self._LABELS.get(str(self.params.get("setting")), (None, None))
        label = (en if (lang or language()) == "en" else vi) or self.params.get("setting")
        return self.text.render(lang, **{**self.params, "setting": label})


class LowResolutionError(ValidationError):
    text = Text(
        vi="Độ phân giải {dpi} dpi quá thấp cho tài liệu màu (tối thiểu 200 dpi). Hãy chọn 200 dpi trở lên, hoặc cho phép trong hồ sơ quét nếu thật sự cần.",
        en="{dpi} dpi is too low for colour documents (at least 200 dpi). Choose 200 dpi or more, or allow it in the scan profile if you really need it.",
    )


class UnknownProfileError(ValidationError):
    text = Text(
        vi="Không có hồ sơ quét tên '{name}'. Các hồ sơ hiện có: {names}.",
        en="There is no scan profile named '{name}'. Existing profiles: {names}.",
    )


class TwainMissingError(MissingDependencyError):
    pass


class UnsupportedImportError(InputError):
    text = Text(
        vi="Không nhập được tệp {path}: {detail}. Chỉ nhận ảnh PNG, JPEG, TIFF (nhiều trang) hoặc PDF.",
        en="Cannot import the file {path}: {detail}. Only PNG, JPEG, TIFF (multi-page) or PDF files are accepted.",
    )


class RecoveryNotFoundError(InputError):
    text = Text(
        vi="Không có đợt quét dở dang mã '{batch}'. Chạy 'sohoa recover' để xem danh sách.",
        en="There is no unfinished batch '{batch}'. Run 'sohoa recover' to list them.",
    )


# Classes that may cross the worker boundary, by name.
_WIRE: dict[str, type[ScanError]] = {
    cls.__name__: cls
    for cls in (
        ScanError,
        NoDeviceError,
        DeviceBusyError,
        AccessDeniedError,
        FeederEmptyError,
        PaperJamError,
        CoverOpenError,
        ScanCancelledError,
        DisconnectedError,
        DeviceIOError,
        SettingRefusedError,
    )
}

# SANE's status strings (sane_strstatus) -> error class. Keys are lower-case fragments.
_SANE_STATUS: list[tuple[str, type[ScanError]]] = [
    ("out of documents", FeederEmptyError),
    ("jammed", PaperJamError),
    ("cover is open", CoverOpenError),
    ("device busy", DeviceBusyError),
    ("canceled", ScanCancelledError),
    ("cancelled", ScanCancelledError),
    ("access to resource has been denied", AccessDeniedError),
    ("error during device i/o", DeviceIOError),
    ("out of memory", DeviceIOError),
    ("end of file", DeviceIOError),
    ("returned no data", DeviceIOError),
    ("lamp not ready", DeviceBusyError),
    ("mechanism locked", DeviceBusyError),
    ("invalid argument", SettingRefusedError),
    ("operation not supported", SettingRefusedError),
]


def from_sane_message(message: str, device: str, *, opening: bool = False, count: int = 0) -> ScanError:
    """Map a SANE status string to the matching typed error.

    Opening a device that does not exist fails with "Invalid argument" (or an I/O
    error for a vanished USB device): that is "no device", not a refused setting.
    """
    low = message.lower()
    if opening and ("invalid argument" in low or "i/o" in low or "not found" in low):
        return NoDeviceError(device=device, detail=message)
    for fragment, cls in _SANE_STATUS:
        if fragment in low:
            if cls is SettingRefusedError:
                return SettingRefusedError(device=device, setting="?", value="?", allowed=message)
            return cls(device=device, detail=message, count=count)
    return ScanError(device=device, detail=message, count=count)


def to_wire(error: ScanError) -> dict[str, Any]:
    """The core's one wire form (:func:`sohoa.core.errors.to_wire`)."""
    return core_to_wire(error)


def from_wire(data: dict[str, Any]) -> ScanError:
    error = core_from_wire(data)
    return error if isinstance(error, ScanError) else ScanError(detail=str(error))
