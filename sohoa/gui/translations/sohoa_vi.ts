<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi">
<context>
    <name>BacklogView</name>
    <message>
        <source>This document</source>
        <translation>Tài liệu này</translation>
    </message>
    <message>
        <source>Scan the stack (F5)</source>
        <translation>Quét cả xấp (F5)</translation>
    </message>
    <message>
        <source>Import files… (Ctrl+O)</source>
        <translation>Nhập tệp… (Ctrl+O)</translation>
    </message>
    <message>
        <source>Import a folder… (Ctrl+Shift+O)</source>
        <translation>Nhập cả thư mục… (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>Separator sheet (PDF)…</source>
        <translation>Tờ phân cách (PDF)…</translation>
    </message>
    <message>
        <source>Print this sheet between the results of a stack</source>
        <translation>In tờ này và đặt giữa các kết quả trong một xấp</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Tài liệu</translation>
    </message>
    <message>
        <source>Save and next (Ctrl+Enter)</source>
        <translation>Lưu và sang tài liệu sau (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Backlog: results issued before the repository</source>
        <translation>Số hóa kết quả cũ (cấp trước khi có kho dữ liệu)</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>Đang quét…</translation>
    </message>
    <message>
        <source>Scanning page {n}…</source>
        <translation>Đang quét trang {n}…</translation>
    </message>
    <message>
        <source>Import files</source>
        <translation>Nhập tệp</translation>
    </message>
    <message>
        <source>Images and PDF files (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)</source>
        <translation>Ảnh và tệp PDF (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;Mọi tệp (*)</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Đang nhập…</translation>
    </message>
    <message>
        <source>Import a folder</source>
        <translation>Nhập cả thư mục</translation>
    </message>
    <message>
        <source>Save the separator sheet</source>
        <translation>Lưu tờ phân cách</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>Tệp PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Separator sheet saved to {path}; print it.</source>
        <translation>Đã lưu tờ phân cách vào {path}; hãy in ra.</translation>
    </message>
    <message numerus="yes">
        <source>Document {n} · %n page(s)</source>
        <translation>
            <numerusform>Tài liệu {n} · %n trang</numerusform>
        </translation>
    </message>
    <message>
        <source>The validity ends before the issue date: check both dates.</source>
        <translation>Ngày hết hiệu lực trước ngày cấp: hãy kiểm tra lại hai ngày.</translation>
    </message>
    <message>
        <source>Document {n} saved; it waits in Batch signing.</source>
        <translation>Đã lưu tài liệu {n}; tài liệu chờ ký ở mục Ký hàng loạt.</translation>
    </message>
    <message>
        <source>Document {n}: {reason}</source>
        <translation>Tài liệu {n}: {reason}</translation>
    </message>
</context>
<context>
    <name>BatchSignView</name>
    <message>
        <source>already signed: nothing done</source>
        <translation>đã ký trước đó: không ký lại</translation>
    </message>
    <message>
        <source>Batch signing</source>
        <translation>Ký hàng loạt</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Từ</translation>
    </message>
    <message>
        <source>to</source>
        <translation>đến</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Thủ tục</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>Cán bộ</translation>
    </message>
    <message>
        <source>Dossier</source>
        <translation>Hồ sơ</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>Tài liệu</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Kết quả ký</translation>
    </message>
    <message>
        <source>Select all (Ctrl+A)</source>
        <translation>Chọn tất cả (Ctrl+A)</translation>
    </message>
    <message>
        <source>Sign selected (Ctrl+Enter)</source>
        <translation>Ký các mục đã chọn (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>All procedures</source>
        <translation>Tất cả thủ tục</translation>
    </message>
    <message>
        <source>All clerks</source>
        <translation>Tất cả cán bộ</translation>
    </message>
    <message numerus="yes">
        <source>%n result(s) waiting for a signature.</source>
        <translation>
            <numerusform>%n kết quả đang chờ ký.</numerusform>
        </translation>
    </message>
    <message>
        <source>pages</source>
        <translation>trang</translation>
    </message>
    <message>
        <source>Tick the results to sign first.</source>
        <translation>Hãy đánh dấu các kết quả cần ký trước.</translation>
    </message>
    <message>
        <source>No token is set up. Choose one in Settings.</source>
        <translation>Chưa thiết lập token. Hãy chọn token trong Cài đặt.</translation>
    </message>
    <message>
        <source>Signing…</source>
        <translation>Đang ký…</translation>
    </message>
    <message>
        <source>signed</source>
        <translation>đã ký</translation>
    </message>
    <message>
        <source>Signing {d} of {t}…</source>
        <translation>Đang ký {d}/{t}…</translation>
    </message>
    <message>
        <source>signed and queued</source>
        <translation>đã ký và đưa vào hàng đợi</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>thất bại</translation>
    </message>
    <message>
        <source>not signed (token removed)</source>
        <translation>chưa ký (token đã bị rút)</translation>
    </message>
    <message>
        <source>{good} of {total} signed.</source>
        <translation>Đã ký {good}/{total}.</translation>
    </message>
</context>
<context>
    <name>CounterView</name>
    <message>
        <source>Dossier</source>
        <translation>Hồ sơ</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>Máy quét</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>Tiêu chuẩn</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Cấu hình quét</translation>
    </message>
    <message>
        <source>Documents already in the repository</source>
        <translation>Giấy tờ đã có trong kho dữ liệu</translation>
    </message>
    <message>
        <source>Look up by ID number (Ctrl+L)</source>
        <translation>Tra cứu theo số định danh (Ctrl+L)</translation>
    </message>
    <message>
        <source>Preview the selected document</source>
        <translation>Xem trước giấy tờ đã chọn</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>Quét</translation>
    </message>
    <message>
        <source>Scan more</source>
        <translation>Quét thêm</translation>
    </message>
    <message>
        <source>Rescan page</source>
        <translation>Quét lại trang</translation>
    </message>
    <message>
        <source>Insert pages…</source>
        <translation>Chèn trang…</translation>
    </message>
    <message>
        <source>Rotate</source>
        <translation>Xoay</translation>
    </message>
    <message>
        <source>Delete page</source>
        <translation>Xóa trang</translation>
    </message>
    <message>
        <source>New document here</source>
        <translation>Tách tài liệu</translation>
    </message>
    <message>
        <source>Move left</source>
        <translation>Lên trước</translation>
    </message>
    <message>
        <source>Move right</source>
        <translation>Ra sau</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Phóng to</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Thu nhỏ</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Vừa khung</translation>
    </message>
    <message>
        <source>New dossier</source>
        <translation>Hồ sơ mới</translation>
    </message>
    <message>
        <source>Finish, sign later (Ctrl+Shift+Enter)</source>
        <translation>Hoàn tất, ký sau (Ctrl+Shift+Enter)</translation>
    </message>
    <message>
        <source>Finish &amp;&amp; sign (Ctrl+Enter)</source>
        <translation>Hoàn tất &amp;&amp; ký (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Đang hủy…</translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n trang</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n document(s)</source>
        <translation>
            <numerusform>%n tài liệu</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n page(s) to check</source>
        <translation>
            <numerusform>%n trang cần kiểm tra</numerusform>
        </translation>
    </message>
    <message>
        <source>Replace the pages already scanned? (No: add them at the end)</source>
        <translation>Thay các trang đã quét? (Không: thêm vào cuối)</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>Đang quét…</translation>
    </message>
    <message>
        <source>Scanning page {n}…</source>
        <translation>Đang quét trang {n}…</translation>
    </message>
    <message numerus="yes">
        <source>Scan cancelled (đã hủy); %n page(s) kept.</source>
        <translation>
            <numerusform>Đã hủy lượt quét; giữ lại %n trang.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n page(s) scanned.</source>
        <translation>
            <numerusform>Đã quét %n trang.</numerusform>
        </translation>
    </message>
    <message>
        <source>Insert pages</source>
        <translation>Chèn trang</translation>
    </message>
    <message>
        <source>Images and PDF files (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)</source>
        <translation>Ảnh và tệp PDF (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;Mọi tệp (*)</translation>
    </message>
    <message>
        <source>Select a found document first.</source>
        <translation>Hãy chọn một giấy tờ tìm được trước.</translation>
    </message>
    <message>
        <source>Preview: {title}</source>
        <translation>Xem trước: {title}</translation>
    </message>
    <message>
        <source>Scan or insert the pages, or attach a reused document, first.</source>
        <translation>Hãy quét hoặc chèn trang, hoặc đính kèm giấy tờ đã có, trước.</translation>
    </message>
    <message>
        <source>attached (reused)</source>
        <translation>đã đính kèm (tái sử dụng)</translation>
    </message>
    <message>
        <source>Sent: the repository has acknowledged {title}.</source>
        <translation>Đã gửi: kho dữ liệu đã xác nhận nhận {title}.</translation>
    </message>
    <message>
        <source>the document</source>
        <translation>tài liệu</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Đang nhập…</translation>
    </message>
    <message numerus="yes">
        <source>%n page(s) recovered.</source>
        <translation>
            <numerusform>Đã khôi phục %n trang.</numerusform>
        </translation>
    </message>
    <message>
        <source>Recovering…</source>
        <translation>Đang khôi phục…</translation>
    </message>
    <message numerus="yes">
        <source>This dossier has %n page(s) and typed fields that are not finished. Discard them?</source>
        <translation>
            <numerusform>Hồ sơ này có %n trang và các ô đã nhập nhưng chưa hoàn tất. Bỏ hồ sơ này?</numerusform>
        </translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Bỏ</translation>
    </message>
    <message>
        <source>Keep working</source>
        <translation>Tiếp tục làm</translation>
    </message>
    <message>
        <source>Enter a valid ID number first.</source>
        <translation>Hãy nhập số định danh hợp lệ trước.</translation>
    </message>
    <message>
        <source>Looking up…</source>
        <translation>Đang tra cứu…</translation>
    </message>
    <message>
        <source>The repository cannot be reached; showing this workstation&apos;s own documents.</source>
        <translation>Không kết nối được kho dữ liệu; đang hiện giấy tờ đã làm trên máy này.</translation>
    </message>
    <message>
        <source>Nothing in the repository for this ID number.</source>
        <translation>Kho dữ liệu chưa có giấy tờ nào của số định danh này.</translation>
    </message>
    <message>
        <source>Nothing on this workstation for this ID number.</source>
        <translation>Máy này chưa có giấy tờ nào của số định danh này.</translation>
    </message>
    <message>
        <source>Tick to attach this document to the dossier instead of scanning it</source>
        <translation>Đánh dấu để đính kèm giấy tờ này vào hồ sơ thay vì quét lại</translation>
    </message>
    <message>
        <source>No token is set up. Choose one in Settings, or finish and sign later.</source>
        <translation>Chưa thiết lập token. Hãy chọn token trong Cài đặt, hoặc hoàn tất và ký sau.</translation>
    </message>
    <message>
        <source>Building the PDF/A…</source>
        <translation>Đang tạo PDF/A…</translation>
    </message>
    <message>
        <source>Processing page {d} of {t}…</source>
        <translation>Đang xử lý trang {d}/{t}…</translation>
    </message>
    <message>
        <source>ready for signing</source>
        <translation>sẵn sàng để ký</translation>
    </message>
    <message>
        <source>signed</source>
        <translation>đã ký</translation>
    </message>
    <message>
        <source>signed and queued</source>
        <translation>đã ký và đưa vào hàng đợi</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>thất bại</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Có</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Không</translation>
    </message>
</context>
<context>
    <name>DossierForm</name>
    <message>
        <source>Old dossier code (if any)</source>
        <translation>Mã hồ sơ cũ (nếu có)</translation>
    </message>
    <message>
        <source>As on the paper, or leave empty</source>
        <translation>Ghi như trên giấy, hoặc để trống</translation>
    </message>
    <message>
        <source>Dossier code</source>
        <translation>Mã hồ sơ</translation>
    </message>
    <message>
        <source>Procedure code</source>
        <translation>Mã thủ tục</translation>
    </message>
    <message>
        <source>Procedure name</source>
        <translation>Tên thủ tục</translation>
    </message>
    <message>
        <source>Citizen</source>
        <translation>Công dân</translation>
    </message>
    <message>
        <source>Organisation or business</source>
        <translation>Tổ chức, doanh nghiệp</translation>
    </message>
    <message>
        <source>Owner type</source>
        <translation>Chủ hồ sơ là</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>Số định danh / MST</translation>
    </message>
    <message>
        <source>Owner name</source>
        <translation>Tên chủ hồ sơ</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Kết quả giải quyết</translation>
    </message>
    <message>
        <source>Submitted component</source>
        <translation>Thành phần hồ sơ</translation>
    </message>
    <message>
        <source>Component that is an earlier result</source>
        <translation>Thành phần là kết quả đã cấp</translation>
    </message>
    <message>
        <source>Processing result</source>
        <translation>Kết quả xử lý</translation>
    </message>
    <message>
        <source>Rejection or return notice</source>
        <translation>Phiếu từ chối / yêu cầu bổ sung</translation>
    </message>
    <message>
        <source>Document kind</source>
        <translation>Loại tài liệu</translation>
    </message>
    <message>
        <source>Document title</source>
        <translation>Tên giấy tờ</translation>
    </message>
    <message>
        <source>Component code</source>
        <translation>Mã thành phần hồ sơ</translation>
    </message>
    <message>
        <source>Result code</source>
        <translation>Mã kết quả</translation>
    </message>
    <message>
        <source>Leave empty when the result has no time limit</source>
        <translation>Để trống nếu kết quả không có thời hạn</translation>
    </message>
    <message>
        <source>Issue date</source>
        <translation>Ngày cấp</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Có hiệu lực đến</translation>
    </message>
    <message>
        <source>e.g. {example}</source>
        <translation>ví dụ: {example}</translation>
    </message>
    <message>
        <source>Required.</source>
        <translation>Bắt buộc nhập.</translation>
    </message>
    <message>
        <source>A result needs its result code.</source>
        <translation>Kết quả giải quyết phải có mã kết quả.</translation>
    </message>
</context>
<context>
    <name>ErrorBox</name>
    <message>
        <source>Unexpected error: {detail}. The log has the details; report it to support.</source>
        <translation>Lỗi không mong muốn: {detail}. Chi tiết có trong nhật ký; hãy báo cho bộ phận hỗ trợ.</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Lỗi</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Welcome to SoHoa</source>
        <translation>Chào mừng đến với SoHoa</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Tiếp</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Quay lại</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Hoàn tất</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>SoHoa scans the dossiers received at the counter, turns them into signed PDF/A files and sends them to the provincial repository. These few pages set up this workstation: who works here, the scanner, the signing token, where files are kept and the repository. Each page has a Test button; everything can be changed later in Settings.</source>
        <translation>SoHoa quét hồ sơ tiếp nhận tại quầy, chuyển thành tệp PDF/A có ký số và gửi lên kho dữ liệu của tỉnh. Vài trang sau đây thiết lập máy này: ai làm việc ở đây, máy quét, token ký số, nơi lưu tệp và kho dữ liệu. Mỗi trang có nút Thử; mọi thứ đều sửa lại được trong Cài đặt.</translation>
    </message>
    <message>
        <source>Language and agency</source>
        <translation>Ngôn ngữ và cơ quan</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
    <message>
        <source>Agency name</source>
        <translation>Tên cơ quan</translation>
    </message>
    <message>
        <source>Your name (shown in statistics)</source>
        <translation>Họ tên của bạn (hiện trong thống kê)</translation>
    </message>
    <message>
        <source>Offer the test scanner (for training, no paper needed)</source>
        <translation>Dùng máy quét thử (để tập huấn, không cần giấy)</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>Máy quét</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Tập huấn</translation>
    </message>
    <message>
        <source>Other token driver</source>
        <translation>Trình điều khiển token khác</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Token driver</source>
        <translation>Trình điều khiển token</translation>
    </message>
    <message>
        <source>Repository</source>
        <translation>Kho dữ liệu</translation>
    </message>
    <message>
        <source>Repository address</source>
        <translation>Địa chỉ kho dữ liệu</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Tên đăng nhập</translation>
    </message>
    <message>
        <source>Kept in the system keyring, never in the settings file</source>
        <translation>Lưu trong kho khóa của hệ điều hành, không bao giờ ghi vào tệp cài đặt</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mật khẩu</translation>
    </message>
    <message>
        <source>Where files are kept</source>
        <translation>Nơi lưu tệp</translation>
    </message>
    <message>
        <source>Scanned pages, signed documents and the upload queue are kept in {folder}, readable by this Windows/Linux account only. Keep at least 5 GB free there.</source>
        <translation>Trang đã quét, tài liệu đã ký và hàng đợi gửi được lưu tại {folder}, chỉ tài khoản Windows/Linux này đọc được. Hãy để trống ở đó ít nhất 5 GB.</translation>
    </message>
    <message>
        <source>Locked by the administrator</source>
        <translation>Quản trị viên đã khóa thiết lập này</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Kiểm tra</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Đang kiểm tra…</translation>
    </message>
    <message>
        <source>No scanner found.</source>
        <translation>Không tìm thấy máy quét.</translation>
    </message>
    <message>
        <source>No token found.</source>
        <translation>Không tìm thấy token.</translation>
    </message>
    <message>
        <source>The repository answers.</source>
        <translation>Kho dữ liệu đã phản hồi.</translation>
    </message>
    <message>
        <source>The repository does not answer.</source>
        <translation>Kho dữ liệu không phản hồi.</translation>
    </message>
    <message>
        <source>Quit the setup</source>
        <translation>Thoát thiết lập</translation>
    </message>
    <message>
        <source>Quit without saving? SoHoa will ask these questions again at the next start.</source>
        <translation>Thoát mà không lưu? Lần mở sau SoHoa sẽ hỏi lại các câu này.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>SoHoa – digitizing dossiers</source>
        <translation>SoHoa – số hóa hồ sơ</translation>
    </message>
    <message>
        <source>Counter</source>
        <translation>Quầy tiếp nhận</translation>
    </message>
    <message>
        <source>Backlog</source>
        <translation>Số hóa kết quả cũ</translation>
    </message>
    <message>
        <source>Batch signing</source>
        <translation>Ký hàng loạt</translation>
    </message>
    <message>
        <source>Upload queue</source>
        <translation>Hàng đợi gửi</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>Thống kê</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>Open {view} (Ctrl+{n})</source>
        <translation>Mở {view} (Ctrl+{n})</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Thoát</translation>
    </message>
    <message>
        <source>Repository not set up</source>
        <translation>Chưa thiết lập kho dữ liệu</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Trực tuyến</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Ngoại tuyến</translation>
    </message>
    <message numerus="yes">
        <source>Queue: %n document(s)</source>
        <translation>
            <numerusform>Hàng đợi: %n tài liệu</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed, see the queue</source>
        <translation>
            <numerusform>%n lỗi, xem hàng đợi</numerusform>
        </translation>
    </message>
    <message>
        <source>Upload failed</source>
        <translation>Gửi không thành công</translation>
    </message>
    <message numerus="yes">
        <source>%n document(s) could not be uploaded and need attention:</source>
        <translation>
            <numerusform>%n tài liệu không gửi được và cần xử lý:</numerusform>
        </translation>
    </message>
    <message>
        <source>Open the queue</source>
        <translation>Mở hàng đợi</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>Sending to the repository has stopped: the disk of this computer is full. The queue is intact. Free some space (empty the recycle bin, remove old files), then press Try again.</source>
        <translation>Việc gửi lên kho dữ liệu đã dừng: ổ đĩa của máy này đã đầy. Hàng đợi vẫn nguyên vẹn. Hãy giải phóng chỗ trống (dọn thùng rác, xóa tệp cũ) rồi bấm Thử lại.</translation>
    </message>
    <message>
        <source>Sending to the repository has stopped: {reason} Then press Try again.</source>
        <translation>Việc gửi lên kho dữ liệu đã dừng: {reason} Sau đó bấm Thử lại.</translation>
    </message>
    <message>
        <source>Sending to the repository has stopped because of an unexpected problem. The queue is intact; press Try again.</source>
        <translation>Việc gửi lên kho dữ liệu đã dừng vì một sự cố ngoài dự kiến. Hàng đợi vẫn nguyên vẹn; hãy bấm Thử lại.</translation>
    </message>
    <message>
        <source>Sending has stopped</source>
        <translation>Đã dừng gửi tài liệu</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Thử lại</translation>
    </message>
    <message>
        <source>Open the queue to see why, then call {contact}.</source>
        <translation>Mở hàng đợi để xem lý do, rồi gọi {contact}.</translation>
    </message>
    <message>
        <source>Open the queue to see why, then call the provincial repository&apos;s support desk.</source>
        <translation>Mở hàng đợi để xem lý do, rồi gọi bộ phận hỗ trợ của kho dữ liệu tỉnh.</translation>
    </message>
    <message>
        <source>Unfinished batch</source>
        <translation>Lượt quét chưa xong</translation>
    </message>
    <message>
        <source>SoHoa stopped unexpectedly during a dossier started {created} ({pages} pages kept). Restore these pages and the form?</source>
        <translation>SoHoa đã dừng đột ngột khi đang làm hồ sơ bắt đầu lúc {created} (còn giữ {pages} trang). Khôi phục các trang và biểu mẫu?</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Khôi phục</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Bỏ</translation>
    </message>
    <message>
        <source>Quit SoHoa</source>
        <translation>Thoát SoHoa</translation>
    </message>
    <message>
        <source>Work in progress</source>
        <translation>Đang có việc chạy</translation>
    </message>
    <message>
        <source>A scan, signing or upload is still running. Cancel it and quit?</source>
        <translation>Việc quét, ký hoặc gửi vẫn đang chạy. Hủy và thoát?</translation>
    </message>
</context>
<context>
    <name>PageStrip</name>
    <message>
        <source>blank</source>
        <translation>trang trắng</translation>
    </message>
    <message>
        <source>low quality</source>
        <translation>chất lượng thấp</translation>
    </message>
    <message>
        <source>too dark</source>
        <translation>quá tối</translation>
    </message>
    <message>
        <source>too light</source>
        <translation>quá nhạt</translation>
    </message>
    <message>
        <source>blurred</source>
        <translation>bị mờ</translation>
    </message>
    <message>
        <source>low resolution</source>
        <translation>độ phân giải thấp</translation>
    </message>
    <message>
        <source>hard to read</source>
        <translation>khó đọc</translation>
    </message>
    <message>
        <source>turned</source>
        <translation>đã xoay</translation>
    </message>
    <message>
        <source>check which way up</source>
        <translation>cần kiểm tra chiều trang</translation>
    </message>
    <message>
        <source>Separator {code}</source>
        <translation>Tờ phân cách {code}</translation>
    </message>
    <message>
        <source>Doc. {doc} · p. {page}</source>
        <translation>TL {doc} · tr. {page}</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>Token PIN</source>
        <translation>Mã PIN của token</translation>
    </message>
    <message numerus="yes">
        <source>Enter the PIN of token “{token}” to sign %n document(s).</source>
        <translation>
            <numerusform>Nhập mã PIN của token “{token}” để ký %n tài liệu.</numerusform>
        </translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>Mã PIN</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>Ký</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
</context>
<context>
    <name>ProgressPanel</name>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Hủy (Esc)</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Drive</source>
        <translation>Ổ đĩa</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Thư mục</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Tệp</translation>
    </message>
</context>
<context>
    <name>QCalendarWidget</name>
    <message>
        <source>Today</source>
        <translation>Hôm nay</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Choose</source>
        <translation>&amp;Chọn</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Xóa</translation>
    </message>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Tìm trong:</translation>
    </message>
    <message>
        <source>&amp;New Folder</source>
        <translation>Thư mục &amp;mới</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Mở</translation>
    </message>
    <message>
        <source>&amp;Rename</source>
        <translation>Đổi &amp;tên</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Lưu</translation>
    </message>
    <message>
        <source>All Files (*)</source>
        <translation>Mọi tệp (*)</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Lùi</translation>
    </message>
    <message>
        <source>Change to detail view mode</source>
        <translation>Xem chi tiết</translation>
    </message>
    <message>
        <source>Change to list view mode</source>
        <translation>Xem danh sách</translation>
    </message>
    <message>
        <source>Create New Folder</source>
        <translation>Tạo thư mục mới</translation>
    </message>
    <message>
        <source>Create a New Folder</source>
        <translation>Tạo một thư mục mới</translation>
    </message>
    <message>
        <source>Detail View</source>
        <translation>Xem chi tiết</translation>
    </message>
    <message>
        <source>Directories</source>
        <translation>Thư mục</translation>
    </message>
    <message>
        <source>Directory:</source>
        <translation>Thư mục:</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>&amp;Tên tệp:</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Tệp</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>&amp;Loại tệp:</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>Tiến</translation>
    </message>
    <message>
        <source>Go back</source>
        <translation>Quay lại</translation>
    </message>
    <message>
        <source>Go forward</source>
        <translation>Đi tiếp</translation>
    </message>
    <message>
        <source>Go to the parent directory</source>
        <translation>Lên thư mục cha</translation>
    </message>
    <message>
        <source>List View</source>
        <translation>Xem danh sách</translation>
    </message>
    <message>
        <source>List of places and bookmarks</source>
        <translation>Danh sách nơi lưu và dấu trang</translation>
    </message>
    <message>
        <source>Parent Directory</source>
        <translation>Thư mục cha</translation>
    </message>
    <message>
        <source>Show &amp;hidden files</source>
        <translation>Hiện tệp &amp;ẩn</translation>
    </message>
    <message>
        <source>Sidebar</source>
        <translation>Thanh bên</translation>
    </message>
    <message>
        <source>New Folder</source>
        <translation>Thư mục mới</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Mở</translation>
    </message>
    <message>
        <source>Save As</source>
        <translation>Lưu thành</translation>
    </message>
</context>
<context>
    <name>QFileSystemModel</name>
    <message>
        <source>Computer</source>
        <translation>Máy tính</translation>
    </message>
    <message>
        <source>Date Modified</source>
        <translation>Ngày sửa</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Tên</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Kích thước</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Loại</translation>
    </message>
</context>
<context>
    <name>QLineEdit</name>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Hoàn tác</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Làm lại</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>&amp;Cắt</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Sao chép</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>&amp;Dán</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <source>Select All</source>
        <translation>Chọn tất cả</translation>
    </message>
</context>
<context>
    <name>QPlatformTheme</name>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>Đồng ý</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Mở</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Có</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Không</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Áp dụng</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Trợ giúp</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Bỏ</translation>
    </message>
</context>
<context>
    <name>QWizard</name>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Quay lại</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Tiếp &gt;</translation>
    </message>
    <message>
        <source>&amp;Finish</source>
        <translation>&amp;Hoàn tất</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Go Back</source>
        <translation>Quay lại</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Tiếp tục</translation>
    </message>
    <message>
        <source>Commit</source>
        <translation>Xác nhận</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Xong</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Trợ giúp</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <source>Upload queue</source>
        <translation>Hàng đợi gửi</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>Tài liệu</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Tiến độ</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Số lần thử</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Cập nhật</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Lý do</translation>
    </message>
    <message>
        <source>Retry (Ctrl+T)</source>
        <translation>Gửi lại (Ctrl+T)</translation>
    </message>
    <message>
        <source>Send now (Ctrl+U)</source>
        <translation>Gửi ngay (Ctrl+U)</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Đang chờ</translation>
    </message>
    <message>
        <source>Uploading</source>
        <translation>Đang gửi</translation>
    </message>
    <message>
        <source>Received by the repository</source>
        <translation>Kho dữ liệu đã nhận</translation>
    </message>
    <message>
        <source>Failed – needs attention</source>
        <translation>Thất bại – cần xử lý</translation>
    </message>
    <message numerus="yes">
        <source>%n document(s) waiting to be sent.</source>
        <translation>
            <numerusform>%n tài liệu đang chờ gửi.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n document(s) failed: select one and read its reason.</source>
        <translation>
            <numerusform>%n tài liệu gửi lỗi: chọn một tài liệu để đọc lý do.</numerusform>
        </translation>
    </message>
    <message>
        <source>Select a failed document to retry.</source>
        <translation>Hãy chọn tài liệu gửi thất bại để gửi lại.</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Đang gửi…</translation>
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Chung</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
    <message>
        <source>Province profile</source>
        <translation>Quy định mã của tỉnh</translation>
    </message>
    <message>
        <source>Agency name</source>
        <translation>Tên cơ quan</translation>
    </message>
    <message>
        <source>Test storage folder</source>
        <translation>Kiểm tra thư mục lưu trữ</translation>
    </message>
    <message>
        <source>Scanner and profile</source>
        <translation>Máy quét và cấu hình quét</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>Máy quét</translation>
    </message>
    <message>
        <source>Paper source</source>
        <translation>Nguồn giấy</translation>
    </message>
    <message>
        <source>Document feeder</source>
        <translation>Khay nạp giấy tự động</translation>
    </message>
    <message>
        <source>Feeder, both sides</source>
        <translation>Khay nạp giấy, quét hai mặt</translation>
    </message>
    <message>
        <source>Flatbed</source>
        <translation>Mặt kính</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Màu</translation>
    </message>
    <message>
        <source>Grey</source>
        <translation>Xám</translation>
    </message>
    <message>
        <source>Black and white</source>
        <translation>Đen trắng</translation>
    </message>
    <message>
        <source>Resolution (dpi)</source>
        <translation>Độ phân giải (dpi)</translation>
    </message>
    <message>
        <source>Drop blank pages</source>
        <translation>Bỏ trang trắng</translation>
    </message>
    <message>
        <source>Find scanners</source>
        <translation>Tìm máy quét</translation>
    </message>
    <message>
        <source>Token and certificate</source>
        <translation>Token và chứng thư số</translation>
    </message>
    <message>
        <source>Token driver (PKCS#11 module)</source>
        <translation>Trình điều khiển token (PKCS#11)</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Storage folder</source>
        <translation>Thư mục lưu dữ liệu</translation>
    </message>
    <message>
        <source>Which certificate</source>
        <translation>Chứng thư số dùng để ký</translation>
    </message>
    <message>
        <source>Time-stamp server</source>
        <translation>Máy chủ dấu thời gian</translation>
    </message>
    <message>
        <source>Visible signature stamp</source>
        <translation>Hiện dấu chữ ký trên trang</translation>
    </message>
    <message>
        <source>Test token</source>
        <translation>Kiểm tra token</translation>
    </message>
    <message>
        <source>empty: the signing certificate on the token</source>
        <translation>để trống: dùng chứng thư ký số trên token</translation>
    </message>
    <message>
        <source>Only when the token holds several signing certificates: the number the supplier gives</source>
        <translation>Chỉ điền khi token có nhiều chứng thư ký số: mã số do nhà cung cấp đưa</translation>
    </message>
    <message>
        <source>Repository</source>
        <translation>Kho dữ liệu</translation>
    </message>
    <message>
        <source>Repository address</source>
        <translation>Địa chỉ kho dữ liệu</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Tên đăng nhập</translation>
    </message>
    <message>
        <source>Bandwidth limit (kbit/s, 0 = none)</source>
        <translation>Giới hạn băng thông (kbit/s, 0 = không giới hạn)</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Kiểm tra kết nối</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>không đổi</translation>
    </message>
    <message>
        <source>Kept in the system keyring, never in the settings file</source>
        <translation>Lưu trong kho khóa của hệ điều hành, không bao giờ ghi vào tệp cài đặt</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mật khẩu</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>Lưu (Ctrl+S)</translation>
    </message>
    <message>
        <source>Locked by the administrator</source>
        <translation>Quản trị viên đã khóa thiết lập này</translation>
    </message>
    <message>
        <source>(locked)</source>
        <translation>(đã khóa)</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>Đã lưu cài đặt.</translation>
    </message>
    <message>
        <source>The new language applies after SoHoa restarts.</source>
        <translation>Ngôn ngữ mới có hiệu lực sau khi khởi động lại SoHoa.</translation>
    </message>
    <message>
        <source>Nothing to save.</source>
        <translation>Không có thay đổi để lưu.</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Đang kiểm tra…</translation>
    </message>
    <message>
        <source>No scanner found. Check the cable and the power, then test again.</source>
        <translation>Không tìm thấy máy quét. Hãy kiểm tra cáp và nguồn điện rồi kiểm tra lại.</translation>
    </message>
    <message>
        <source>Found: {names}</source>
        <translation>Tìm thấy: {names}</translation>
    </message>
    <message>
        <source>No token found. Plug the token in, then test again.</source>
        <translation>Không tìm thấy token. Hãy cắm token rồi kiểm tra lại.</translation>
    </message>
    <message>
        <source>Tokens: {names}</source>
        <translation>Token: {names}</translation>
    </message>
    <message>
        <source>Enter the repository address first.</source>
        <translation>Hãy nhập địa chỉ kho dữ liệu trước.</translation>
    </message>
    <message>
        <source>The repository answers.</source>
        <translation>Kho dữ liệu đã phản hồi.</translation>
    </message>
    <message>
        <source>The repository does not answer. Check the address and the network.</source>
        <translation>Kho dữ liệu không phản hồi. Hãy kiểm tra địa chỉ và mạng.</translation>
    </message>
    <message>
        <source>The folder {folder} is writable; {free} GB free.</source>
        <translation>Thư mục {folder} ghi được; còn trống {free} GB.</translation>
    </message>
    <message>
        <source>Unsaved settings</source>
        <translation>Cài đặt chưa lưu</translation>
    </message>
    <message>
        <source>Save the changed settings?</source>
        <translation>Lưu các cài đặt đã thay đổi?</translation>
    </message>
</context>
<context>
    <name>StatisticsView</name>
    <message>
        <source>Statistics</source>
        <translation>Thống kê</translation>
    </message>
    <message>
        <source>Export CSV… (Ctrl+E)</source>
        <translation>Xuất CSV… (Ctrl+E)</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Từ</translation>
    </message>
    <message>
        <source>to</source>
        <translation>đến</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Thủ tục</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Pages digitized</source>
        <translation>Số trang đã số hóa</translation>
    </message>
    <message>
        <source>Documents digitized</source>
        <translation>Tài liệu đã số hóa</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>Đã ký</translation>
    </message>
    <message>
        <source>Uploaded</source>
        <translation>Đã gửi</translation>
    </message>
    <message>
        <source>Reused</source>
        <translation>Tái sử dụng</translation>
    </message>
    <message>
        <source>All procedures</source>
        <translation>Tất cả thủ tục</translation>
    </message>
    <message>
        <source>Total: {pages} pages, {docs} documents digitized, {signed} signed, {up} uploaded, {reused} reused</source>
        <translation>Tổng: {pages} trang, {docs} tài liệu đã số hóa, {signed} đã ký, {up} đã gửi, {reused} tái sử dụng</translation>
    </message>
    <message>
        <source>Export statistics</source>
        <translation>Xuất thống kê</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Tệp CSV (*.csv)</translation>
    </message>
</context>
</TS>
