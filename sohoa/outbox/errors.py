"""The queue's and uploader's failures, each saying what happened and what to do."""

from __future__ import annotations

from sohoa.core.errors import ConfigError, InputError, NetworkError, OutputError
from sohoa.core.i18n import Text


class QueueDiskFull(OutputError):
    text = Text(
        vi="Ổ đĩa đã đầy nên không đưa được tài liệu {path} vào hàng đợi. Hàng đợi vẫn nguyên vẹn; "
        "hãy giải phóng chỗ trống rồi thêm lại.",
        en="The disk is full, so {path} could not be queued. The queue is intact; free some space and add it again.",
    )


class QueueWriteError(OutputError):
    text = Text(
        vi="Không ghi được vào hàng đợi ({path}): {detail}. Hàng đợi vẫn nguyên vẹn; hãy kiểm tra quyền ghi rồi thử lại.",
        en="Cannot write to the queue ({path}): {detail}. The queue is intact; check write permission and try again.",
    )


class NotASignedPdf(InputError):
    text = Text(
        vi="Tệp {path} không phải là PDF đã ký số ({detail}). Chỉ tài liệu đã ký mới được đưa vào hàng đợi; "
        "hãy ký tài liệu rồi thêm lại.",
        en="{path} is not a signed PDF ({detail}). Only signed documents can be queued; sign it and add it again.",
    )


class ItemNotFound(InputError):
    text = Text(
        vi="Không có mục số {item} trong hàng đợi. Chạy 'sohoa queue list' để xem các mục.",
        en="There is no item {item} in the queue. Run 'sohoa queue list' to see the items.",
    )


class ItemNotRetryable(InputError):
    text = Text(
        vi="Mục số {item} đang ở trạng thái '{state}', chỉ mục bị lỗi mới gửi lại được.",
        en="Item {item} is '{state}'; only failed items can be retried.",
    )


class UploaderBusy(OutputError):
    text = Text(
        vi="Một tiến trình gửi khác đang chạy trên hàng đợi này. Hãy đợi nó xong hoặc đóng nó rồi thử lại.",
        en="Another uploader is already running on this queue. Wait for it to finish or close it, then try again.",
    )


class RepositoryNotConfigured(ConfigError):
    text = Text(
        vi="Chưa cấu hình địa chỉ kho dữ liệu (repository.url trong {path}). Hãy nhập địa chỉ do tỉnh cung cấp.",
        en="The repository address is not set (repository.url in {path}). Enter the address your province gave you.",
    )


class InsecureRepositoryUrl(ConfigError):
    text = Text(
        vi="Địa chỉ kho dữ liệu '{url}' không dùng HTTPS. Chỉ máy này (localhost) mới được dùng HTTP; "
        "hãy dùng địa chỉ https://.",
        en="The repository address '{url}' is not HTTPS. Only this machine (localhost) may use HTTP; use an https:// address.",
    )


class CredentialsMissing(ConfigError):
    text = Text(
        vi="Chưa có mật khẩu kho dữ liệu cho tài khoản '{user}'. Chạy 'sohoa queue login' để lưu mật khẩu vào kho khóa của hệ điều hành.",
        en="No repository password is stored for '{user}'. Run 'sohoa queue login' to store it in the system keyring.",
    )


class CredentialsRejected(NetworkError):
    text = Text(
        vi="Kho dữ liệu từ chối tên đăng nhập hoặc mật khẩu. Tài liệu vẫn nằm trong hàng đợi; "
        "chạy 'sohoa queue login' để nhập lại mật khẩu.",
        en="The repository refused the user name or password. The documents stay queued; "
        "run 'sohoa queue login' to enter the password again.",
    )


class TlsFailure(NetworkError):
    text = Text(
        vi="Không xác thực được chứng thư TLS của kho dữ liệu ({detail}). Không gửi gì cả. "
        "Hãy kiểm tra địa chỉ, hoặc cấu hình repository.ca_bundle do tỉnh cung cấp.",
        en="The repository's TLS certificate could not be verified ({detail}). Nothing was sent. "
        "Check the address, or set repository.ca_bundle to the bundle your province gave you.",
    )


class RepositoryOffline(NetworkError):
    text = Text(
        vi="Không kết nối được với kho dữ liệu ({detail}). Còn {left} tài liệu trong hàng đợi; chúng sẽ được gửi khi có mạng.",
        en="Cannot reach the repository ({detail}). {left} documents stay queued and will be sent when the network is back.",
    )


class SyncDiskFull(OutputError):
    text = Text(
        vi="Ổ đĩa đã đầy nên việc gửi hàng đợi đã dừng. Không mất tài liệu nào và không mục nào bị giữ lại; "
        "hãy giải phóng chỗ trống rồi chạy lại 'sohoa sync'.",
        en="The disk is full, so sending the queue stopped. No document is lost and no item is left claimed; "
        "free some space and run 'sohoa sync' again.",
    )


class UploadsIncomplete(NetworkError):
    text = Text(
        vi="Chưa gửi xong: {failed} tài liệu bị kho từ chối, {left} tài liệu còn trong hàng đợi. "
        "Chạy 'sohoa queue list' để xem lý do; sửa bằng 'sohoa queue edit' rồi 'sohoa queue retry', "
        "hoặc xóa bằng 'sohoa queue remove'.",
        en="Not everything was sent: {failed} documents were refused by the repository, {left} are still "
        "queued. Run 'sohoa queue list' to see why; fix them with 'sohoa queue edit' then "
        "'sohoa queue retry', or remove them with 'sohoa queue remove'.",
    )


class ItemNotEditable(InputError):
    text = Text(
        vi="Mục số {item} đang ở trạng thái '{state}'; chỉ sửa hoặc xóa được mục bị từ chối hoặc chưa gửi.",
        en="Item {item} is '{state}'; only failed or not yet sent items can be edited or removed.",
    )


class UnsafeRemoteId(NetworkError):
    text = Text(
        vi="Kho dữ liệu trả về mã tài liệu không hợp lệ ({value}). Không ghi tệp nào; hãy báo cho quản trị kho.",
        en="The repository answered a malformed document id ({value}). No file was written; tell the "
        "repository's administrator.",
    )
