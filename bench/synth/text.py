"""Vietnamese administrative wording used to fill synthetic pages (NFC, invented, no real people)."""

from __future__ import annotations

HEADER = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]

TITLES = [
    "QUYẾT ĐỊNH",
    "GIẤY XÁC NHẬN",
    "TỜ KHAI ĐĂNG KÝ",
    "BIÊN BẢN LÀM VIỆC",
    "THÔNG BÁO",
    "ĐƠN ĐỀ NGHỊ",
]

SENTENCES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015.",
    "Căn cứ Nghị định số 61/2018/NĐ-CP về thực hiện cơ chế một cửa, một cửa liên thông.",
    "Xét đề nghị của Trưởng phòng Tư pháp huyện về việc chứng thực bản sao từ bản chính.",
    "Ủy ban nhân dân xã xác nhận hộ gia đình thường trú tại thôn Đông Hưng, xã Hòa Bình.",
    "Người đề nghị chịu trách nhiệm trước pháp luật về tính chính xác của thông tin đã khai.",
    "Hồ sơ gồm đơn đề nghị, bản sao giấy tờ tùy thân và giấy chứng nhận quyền sử dụng đất.",
    "Thời hạn giải quyết là mười lăm ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
    "Bộ phận tiếp nhận và trả kết quả có trách nhiệm hướng dẫn công dân hoàn thiện hồ sơ.",
    "Các ông, bà Chánh Văn phòng, Trưởng phòng Tài nguyên và Môi trường chịu trách nhiệm thi hành.",
    "Quyết định này có hiệu lực kể từ ngày ký và được lưu tại Trung tâm Phục vụ hành chính công.",
    "Phí thẩm định hồ sơ được nộp theo quy định của Hội đồng nhân dân tỉnh Quảng Ngãi.",
    "Trường hợp hồ sơ chưa đầy đủ, cán bộ tiếp nhận lập phiếu yêu cầu bổ sung, hoàn thiện.",
    "Diện tích thửa đất là 152,5 mét vuông, mục đích sử dụng là đất ở tại nông thôn.",
    "Ông Trần Văn Hữu đã nộp đủ lệ phí trước bạ và các nghĩa vụ tài chính liên quan.",
    "Bà Lê Thị Thủy được cấp giấy chứng nhận đăng ký hộ kinh doanh số 43A8012345.",
    "Kết quả giải quyết thủ tục hành chính được trả trực tiếp hoặc qua dịch vụ bưu chính công ích.",
    "Sở Kế hoạch và Đầu tư tiếp nhận hồ sơ đăng ký thành lập doanh nghiệp qua mạng điện tử.",
    "Việc số hóa kết quả giải quyết được thực hiện theo Nghị định số 45/2020/NĐ-CP.",
    "Đề nghị các cơ quan, đơn vị phối hợp thực hiện nghiêm túc nội dung văn bản này.",
    "Nơi nhận: như Điều 3; lưu văn thư, bộ phận một cửa; cổng dịch vụ công trực tuyến.",
    "Người khai ký và ghi rõ họ tên; cán bộ tiếp nhận kiểm tra, đối chiếu bản chính.",
    "Những trường hợp vướng mắc phản ánh về Văn phòng Ủy ban nhân dân để tổng hợp, xử lý.",
    "Số điện thoại liên hệ: 0255 3822 719; thư điện tử: motcua@quangngai.gov.vn.",
    "Tổng số tiền bằng chữ: Một triệu hai trăm năm mươi nghìn đồng chẵn.",
]

SIGNER = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Hoàng Phúc"]
