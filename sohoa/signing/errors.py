"""Signing failures a clerk can act on: each says what happened and what to do, in both languages.

Token and module problems are :class:`~sohoa.core.errors.DeviceError` (exit code 5); certificate,
document and signature problems are :class:`~sohoa.core.errors.SignatureError` (exit code 7) or
:class:`~sohoa.core.errors.InputError` (exit code 3) for files that cannot be signed at all.
"""

from __future__ import annotations

from sohoa.core.errors import DeviceError, InputError, MissingDependencyError, SignatureError
from sohoa.core.i18n import Text

# Sentences for the PIN state, read from the token flags before login.
PIN_STATE_TEXT = {
    "ok": Text(vi="", en=""),
    "count_low": Text(
        vi="Token báo đã có lần nhập PIN sai: số lần thử còn lại đã giảm.",
        en="The token reports earlier wrong PINs: fewer attempts remain.",
    ),
    "final_try": Text(
        vi="CHÚ Ý: đây là lần thử cuối cùng, nhập sai nữa token sẽ bị khóa.",
        en="WARNING: this is the final try; one more wrong PIN locks the token.",
    ),
    "locked": Text(vi="Token đã bị khóa.", en="The token is locked."),
}


class ModuleNotFound(MissingDependencyError):
    text = Text(
        vi="Không tìm thấy trình điều khiển PKCS#11 của token ({module}). Hãy cài phần mềm đi kèm token "
        "của nhà cung cấp chữ ký số, hoặc chỉ đường dẫn bằng --module.",
        en="The token's PKCS#11 driver was not found ({module}). Install the software that came with the "
        "token from your certificate provider, or give its path with --module.",
    )


class ModuleLoadFailed(DeviceError):
    text = Text(
        vi="Không nạp được trình điều khiển PKCS#11 {module}: {detail}. Hãy cài lại phần mềm của token.",
        en="Cannot load the PKCS#11 driver {module}: {detail}. Reinstall the token's software.",
    )


class NoToken(DeviceError):
    text = Text(
        vi="Không thấy token '{label}'. Hãy cắm token chữ ký số vào máy (các token đang cắm: {present}) "
        "rồi thử lại.",
        en="Token '{label}' was not found. Plug in the signing token (tokens present: {present}) and try again.",
    )


class WrongPin(DeviceError):
    """A wrong PIN; the message carries the token's PIN state read after the failure."""

    text = Text(
        vi="Mã PIN không đúng. {state}Hãy nhập lại cẩn thận; token sẽ bị khóa nếu nhập sai quá số lần cho phép.",
        en="Wrong PIN. {state}Type it again carefully; the token locks after too many wrong PINs.",
    )

    def __init__(self, pin_state: str = "ok") -> None:
        sentence = PIN_STATE_TEXT.get(pin_state, PIN_STATE_TEXT["ok"])
        base = type(self).text
        text = Text(
            vi=base.vi.replace("{state}", sentence.vi + " " if sentence.vi else ""),
            en=base.en.replace("{state}", sentence.en + " " if sentence.en else ""),
        )
        self.pin_state = pin_state
        super().__init__(text)


class PinLocked(DeviceError):
    text = Text(
        vi="Mã PIN của token '{label}' đã bị khóa do nhập sai quá nhiều lần. Không ký được cho đến khi mở "
        "khóa: hãy liên hệ nhà cung cấp chứng thư số (hoặc dùng mã PUK/SO PIN) để mở khóa.",
        en="The PIN of token '{label}' is locked after too many wrong attempts. Signing is impossible until it "
        "is unlocked: contact the certificate provider (or use the PUK / SO PIN) to unlock it.",
    )


class PinRequired(DeviceError):
    text = Text(
        vi="Chưa nhập mã PIN của token. Hãy nhập PIN khi được hỏi, hoặc đặt biến môi trường {var}.",
        en="No token PIN was given. Type the PIN when asked, or set the environment variable {var}.",
    )


class TokenRemoved(DeviceError):
    text = Text(
        vi="Token đã bị rút ra hoặc ngừng phản hồi trong khi ký. Các tài liệu đã ký được giữ lại; "
        "{pending} tài liệu chưa ký vẫn chờ. Hãy cắm lại token rồi ký tiếp.",
        en="The token was removed or stopped responding while signing. Documents already signed are kept; "
        "{pending} document(s) are still pending. Plug the token back in and sign the rest.",
    )


class CertificateNotFound(SignatureError):
    text = Text(
        vi="Không có chứng thư số {cert_id} trên token '{label}'. Hãy chọn chứng thư khác (sohoa sign --list "
        "cho biết các chứng thư trên token).",
        en="There is no certificate {cert_id} on token '{label}'. Pick another certificate (sohoa sign --list "
        "shows the certificates on the token).",
    )


class NoPrivateKey(SignatureError):
    text = Text(
        vi="Chứng thư số '{subject}' trên token không có khóa bí mật đi kèm nên không ký được. Hãy chọn "
        "chứng thư ký số của chính anh/chị (có khóa bí mật) hoặc liên hệ nhà cung cấp chứng thư.",
        en="The certificate '{subject}' on the token has no matching private key, so it cannot sign. Pick "
        "your own signing certificate (one with a private key) or contact the certificate provider.",
    )


class CertificateExpired(SignatureError):
    text = Text(
        vi="Chứng thư số '{subject}' đã hết hạn ngày {not_after}. Không được ký bằng chứng thư hết hạn: hãy "
        "gia hạn chứng thư với nhà cung cấp.",
        en="The certificate '{subject}' expired on {not_after}. Signing with an expired certificate is not "
        "allowed: renew it with the certificate provider.",
    )


class CertificateNotYetValid(SignatureError):
    text = Text(
        vi="Chứng thư số '{subject}' chỉ có hiệu lực từ {not_before}. Hãy kiểm tra đồng hồ của máy tính, "
        "hoặc chờ đến ngày chứng thư có hiệu lực.",
        en="The certificate '{subject}' is only valid from {not_before}. Check the computer's clock, or wait "
        "until the certificate becomes valid.",
    )


class KeyUsageNotAllowed(SignatureError):
    text = Text(
        vi="Chứng thư số '{subject}' không được phép dùng để ký số (mục đích sử dụng: {usage}). Hãy chọn "
        "chứng thư ký số khác trên token.",
        en="The certificate '{subject}' may not be used for signing (key usage: {usage}). Pick another "
        "signing certificate on the token.",
    )


class CertificateRevoked(SignatureError):
    text = Text(
        vi="Chứng thư số '{subject}' đã bị thu hồi ({detail}). Không được ký bằng chứng thư này: hãy liên hệ "
        "nhà cung cấp chứng thư.",
        en="The certificate '{subject}' has been revoked ({detail}). It must not be used: contact the "
        "certificate provider.",
    )


class NotAPdf(InputError):
    text = Text(
        vi="Tệp {path} không phải là tệp PDF hợp lệ ({detail}). Chỉ ký được tệp PDF: hãy chọn đúng tệp.",
        en="The file {path} is not a valid PDF ({detail}). Only PDF files can be signed: pick the right file.",
    )


class EncryptedPdf(InputError):
    text = Text(
        vi="Tệp {path} được mã hóa bằng mật khẩu nên không ký được. Hãy dùng bản gốc không mã hóa.",
        en="The file {path} is encrypted with a password and cannot be signed. Use the original, unencrypted file.",
    )


class SigningFailed(SignatureError):
    text = Text(
        vi="Không ký được tệp {path}: {detail}. Tệp gốc không bị thay đổi; hãy thử lại hoặc báo bộ phận hỗ trợ.",
        en="Cannot sign {path}: {detail}. The original file is unchanged; try again or tell support.",
    )


class TimestampFailed(SignatureError):
    text = Text(
        vi="Không lấy được dấu thời gian từ máy chủ {url}: {detail}. Hãy kiểm tra mạng, hoặc ký không dấu "
        "thời gian (B-B) và bổ sung sau bằng 'sohoa sign --extend'.",
        en="Cannot get a timestamp from {url}: {detail}. Check the network, or sign without a timestamp (B-B) "
        "and extend it later with 'sohoa sign --extend'.",
    )


class NotSigned(SignatureError):
    text = Text(
        vi="Tệp {path} không có chữ ký số nào.",
        en="The file {path} has no digital signature.",
    )


class VerificationFailed(SignatureError):
    text = Text(
        vi="{bad} trong {total} tệp có chữ ký không hợp lệ, không tin cậy, không phủ toàn bộ tệp hoặc chưa "
        "xác định được tình trạng thu hồi. Không dùng các tệp này; xem báo cáo ở trên.",
        en="{bad} of {total} file(s) have a signature that is invalid, untrusted, does not cover the whole "
        "file or whose revocation status is unknown. Do not use them; see the report above.",
    )


class LtvNeedsTimestamp(SignatureError):
    text = Text(
        vi="Chữ ký dài hạn (PAdES B-LT) cần dấu thời gian: hãy chọn máy chủ dấu thời gian (--tsa hoặc "
        "signing.timestamp_url), hoặc bỏ tùy chọn B-LT.",
        en="A long-term signature (PAdES B-LT) needs a timestamp: choose a timestamp server (--tsa or "
        "signing.timestamp_url), or drop the B-LT option.",
    )


class Module32Bit(DeviceError):
    text = Text(
        vi="Trình điều khiển token {module} là bản 32-bit, không nạp được vào SoHoa (64-bit). Hãy cài bản "
        "64-bit của phần mềm token từ nhà cung cấp chữ ký số.",
        en="The token driver {module} is a 32-bit build and cannot be loaded into SoHoa (64-bit). Install the "
        "64-bit build of the token software from the certificate provider.",
    )


class StampNeedsAgency(InputError):
    text = Text(
        vi="Dấu sao y (Nghị định 30/2020) phải ghi tên cơ quan, tổ chức thực hiện sao: hãy nhập tên cơ quan "
        "(--agency hoặc general.agency_name).",
        en="A Decree 30/2020 copy stamp must name the copying agency: give it with --agency or "
        "general.agency_name.",
    )
