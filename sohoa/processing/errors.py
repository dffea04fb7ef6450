"""Typed errors of the processing pipeline: each says what happened and what to do."""

from __future__ import annotations

import sys
from typing import Any, ClassVar

from sohoa.core.errors import CancelledError, InputError, MissingDependencyError, OutputError, SoHoaError
from sohoa.core.i18n import Text

__all__ = [
    "CancelledError",
    "EmptyFile",
    "EncryptedPdf",
    "ImageTooLarge",
    "InputNotFound",
    "MissingLanguage",
    "OcrFailed",
    "OcrTimeout",
    "PdfAValidationFailed",
    "SignedPdfRefused",
    "TesseractMissing",
    "TruncatedImage",
    "UnreadablePdf",
    "UnsupportedFormat",
]


class InputNotFound(InputError):
    text = Text(
        vi="Không tìm thấy tệp đầu vào {path}. Hãy kiểm tra lại đường dẫn.",
        en="The input file {path} does not exist. Check the path.",
    )


class EmptyFile(InputError):
    text = Text(
        vi="Tệp {path} rỗng (0 byte). Hãy quét lại hoặc chép lại tệp.",
        en="The file {path} is empty (0 bytes). Scan it again or copy it again.",
    )


class UnsupportedFormat(InputError):
    text = Text(
        vi="Tệp {path} không phải ảnh PNG, JPEG, TIFF hay tệp PDF. Hãy chuyển sang một trong các định dạng đó.",
        en="The file {path} is not a PNG, JPEG or TIFF image or a PDF. Convert it to one of those formats.",
    )


class TruncatedImage(InputError):
    text = Text(
        vi="Ảnh {path} bị hỏng hoặc bị cắt cụt ({detail}). Hãy quét lại trang này.",
        en="The image {path} is damaged or truncated ({detail}). Scan this page again.",
    )


class ImageTooLarge(InputError):
    text = Text(
        vi="Ảnh {path} quá lớn ({megapixels} triệu điểm ảnh, tối đa {limit}). Hãy quét lại với độ phân giải 300 dpi.",
        en="The image {path} is too large ({megapixels} megapixels, at most {limit}). Scan it again at 300 dpi.",
    )


class EncryptedPdf(InputError):
    text = Text(
        vi="Tệp PDF {path} được mã hóa hoặc đặt mật khẩu nên không thể lưu trữ. Hãy xin bản không mã hóa hoặc quét bản giấy.",
        en="The PDF {path} is encrypted or password-protected, so it cannot be archived. Ask for an unencrypted copy or scan the paper.",
    )


class SignedPdfRefused(InputError):
    text = Text(
        vi="Tệp PDF {path} đã được ký số; xử lý lại sẽ làm mất hiệu lực chữ ký nên tệp không bị thay đổi. Hãy nộp trực tiếp tệp đã ký, không qua bước xử lý.",
        en="The PDF {path} is already digitally signed; processing it again would break the signature, so it was left unchanged. Submit the signed file as it is, without processing.",
    )


class UnreadablePdf(InputError):
    text = Text(
        vi="Không đọc được tệp PDF {path} ({detail}). Hãy kiểm tra tệp hoặc quét lại bản giấy.",
        en="Cannot read the PDF {path} ({detail}). Check the file or scan the paper again.",
    )


class _InstallAdvice(MissingDependencyError):
    """A missing part whose advice depends on the system: apt on Debian, the installers on Windows."""

    windows_text: ClassVar[Text]

    def __init__(self, text: Text | None = None, /, *, platform: str = "", **params: Any) -> None:
        if text is None and (platform or sys.platform) == "win32":
            text = self.windows_text
        super().__init__(text, **params)


class TesseractMissing(_InstallAdvice):
    text = Text(
        vi="Không tìm thấy chương trình nhận dạng chữ Tesseract. Hãy cài đặt: apt install tesseract-ocr tesseract-ocr-vie. Chạy 'sohoa doctor' để kiểm tra.",
        en="The Tesseract OCR program was not found. Install it: apt install tesseract-ocr tesseract-ocr-vie. Run 'sohoa doctor' to check.",
    )
    windows_text = Text(
        vi="Không tìm thấy chương trình nhận dạng chữ Tesseract (tesseract.exe). Hãy cài Tesseract cho Windows (bản của UB Mannheim) vào C:\\Program Files\\Tesseract-OCR, hoặc chạy lại bộ cài SoHoa và chọn thư mục đã cài Tesseract. Chạy 'sohoa doctor' để kiểm tra.",
        en="The Tesseract OCR program (tesseract.exe) was not found. Install Tesseract for Windows (UB Mannheim's build) into C:\\Program Files\\Tesseract-OCR, or run the SoHoa installer again and choose the folder where Tesseract is installed. Run 'sohoa doctor' to check.",
    )


class MissingLanguage(_InstallAdvice):
    text = Text(
        vi="Tesseract thiếu dữ liệu ngôn ngữ '{language}' (có: {available}). Hãy cài đặt: apt install tesseract-ocr-{language}.",
        en="Tesseract lacks the language data '{language}' (installed: {available}). Install it: apt install tesseract-ocr-{language}.",
    )
    windows_text = Text(
        vi="Tesseract thiếu dữ liệu ngôn ngữ '{language}' (có: {available}). Hãy cài lại SoHoa: bộ cài có sẵn dữ liệu vie, eng và osd.",
        en="Tesseract lacks the language data '{language}' (installed: {available}). Reinstall SoHoa: its installer carries the vie, eng and osd data.",
    )


class OcrTimeout(SoHoaError):
    text = Text(
        vi="Nhận dạng chữ trang {page} quá {seconds} giây nên đã dừng. Hãy kiểm tra trang (ảnh quá nhiễu?) rồi thử lại.",
        en="OCR of page {page} took more than {seconds} seconds and was stopped. Check the page (too noisy?) and try again.",
    )


class OcrFailed(SoHoaError):
    text = Text(
        vi="Tesseract báo lỗi khi nhận dạng trang {page}: {detail}. Chạy 'sohoa doctor' để kiểm tra cài đặt.",
        en="Tesseract failed on page {page}: {detail}. Run 'sohoa doctor' to check the installation.",
    )


class PdfAValidationFailed(OutputError):
    text = Text(
        vi="Tệp kết quả không đạt chuẩn PDF/A-2b ({detail}) nên không được lưu. Hãy báo lỗi này cho bộ phận hỗ trợ.",
        en="The output is not valid PDF/A-2b ({detail}), so it was not saved. Report this to support.",
    )
