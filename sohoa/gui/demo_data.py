"""Demo data for screenshot mode: a month of events, pending results, a queue and scanned pages.

Everything is written into the throwaway SOHOA_HOME that ``sohoa gui --screenshot`` makes, so
the views show real rows from a real store rather than painted mock-ups.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sohoa.core.lifecycle import DocState
from sohoa.core.model import Document, DocumentKind, Dossier, OwnerType, Page
from sohoa.gui import services
from sohoa.workflow.samples import DEMO_DOSSIER

PROCEDURES = [
    ("1.001757", "Chứng thực bản sao từ bản chính"),
    ("2.000884", "Đăng ký khai sinh"),
    ("1.004227", "Cấp giấy phép xây dựng"),
    ("2.001023", "Đăng ký hộ kinh doanh"),
]
CLERKS = ["lan.nt", "minh.tv", "hoa.pt"]
OWNERS = [
    ("Nguyễn Văn An", "001099012345"),
    ("Trần Thị Bình", "079185004321"),
    ("Lê Hoàng Cường", "031200008765"),
    ("Phạm Thu Dung", "048192001122"),
]
LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "",
    "GIẤY CHỨNG NHẬN",
    "Ủy ban nhân dân xã Thử Nghiệm chứng nhận:",
    "Ông/bà: Nguyễn Văn An",
    "Số định danh: 001099012345",
    "Đã hoàn thành thủ tục hành chính theo quy định.",
    "",
    "Ngày 08 tháng 10 năm 2026",
]


def fill_demo(ctx: services.AppContext, home: Path) -> None:
    """A month of counter work in the store: events for statistics and results awaiting signature."""
    rng = random.Random(7)  # noqa: S311 - demo figures, not security
    from sohoa.core.config import save_setting

    for key, value in (
        ("scanner.device", "test:0"),
        ("signing.pkcs11_module", "/usr/lib/softhsm/libsofthsm2.so"),
        ("signing.token_label", "VNPT-CA Nguyễn Văn An"),
        ("repository.username", "motcua.xa01"),
    ):
        ctx.config = save_setting(ctx.config, key, value)
    today = date.today()
    db = ctx.store.db
    for back in range(27, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for proc, _name in PROCEDURES:
            for _ in range(rng.randint(0, 4)):
                pages = rng.randint(1, 12)
                clerk = rng.choice(CLERKS)
                at = f"{day.isoformat()}T0{rng.randint(1, 8)}:{rng.randint(10, 59)}:00+00:00"
                rows = [("digitized", pages), ("signed", 0), ("uploaded", 0)]
                if rng.random() < 0.3:
                    rows.append(("reused", 0))
                for kind, p in rows:
                    db["events"].insert(
                        {
                            "at": at,
                            "kind": kind,
                            "procedure_code": proc,
                            "pages": p,
                            "clerk": clerk,
                            "dossier_id": "",
                            "document_id": "",
                        }
                    )
    for n in range(8):
        proc, name = PROCEDURES[n % len(PROCEDURES)]
        owner, owner_id = OWNERS[n % len(OWNERS)]
        day = today - timedelta(days=n % 3)
        dossier = Dossier(
            code=f"H15.50.05.13-{day:%y%m%d}-{1200 + n:04d}",
            procedure_code=proc,
            procedure_name=name,
            owner_type=OwnerType.PERSON,
            owner_id=owner_id,
            owner_name=owner,
        )
        doc = Document(
            kind=DocumentKind.RESULT,
            title=f"Kết quả: {name}",
            result_code=f"KQ.H15-2026-{4100 + n:06d}",
            pages=[Page(file=home / f"demo-{n}.png")],
        )
        dossier.documents = [doc]
        ctx.store.save_dossier(dossier)
        ctx.store.set_state(doc.id, DocState.PROCESSED, file=home / f"demo-{n}.pdf")
        ctx.store.record_event(
            "digitized",
            dossier_id=dossier.id,
            document_id=doc.id,
            procedure_code=proc,
            pages=rng.randint(1, 4),
            clerk=CLERKS[n % len(CLERKS)],
        )


def demo_pages(folder: Path, count: int = 6) -> list[services.ScannedPage]:
    """Page images that look like a Vietnamese certificate (drawn, not scanned), with previews."""
    from PIL import Image, ImageDraw, ImageFont

    from sohoa.core.fonts import find_font

    folder.mkdir(parents=True, exist_ok=True)
    font_path = find_font("serif") or find_font("sans")
    pages = []
    for n in range(1, count + 1):
        im = Image.new("L", (827, 1169), 255)
        if n != 4:  # page 4 stays blank, to show the flag
            draw = ImageDraw.Draw(im)
            font = ImageFont.truetype(str(font_path), 26) if font_path else ImageFont.load_default()
            for i, line in enumerate(LINES):
                draw.text(
                    (70, 90 + 48 * i),
                    line.replace("GIẤY CHỨNG NHẬN", f"GIẤY CHỨNG NHẬN – TRANG {n}"),
                    fill=20,
                    font=font,
                )
            for i in range(12):
                draw.line((70, 640 + 36 * i, 760, 640 + 36 * i), fill=140, width=2)
        target = folder / f"page-{n:04d}.png"
        im.save(target, dpi=(100, 100))
        thumb, preview = services.make_previews(im, target)
        page = services.ScannedPage(target, thumb, preview, dpi=300, color_mode="gray")
        if n == 4:
            page.flags.add("blank")
        if n == 5:
            page.flags.add("rotated")
        page.new_document = n == 5
        pages.append(page)
    return pages


def fill_counter(view: Any) -> None:
    view.form.fill(
        code=DEMO_DOSSIER["code"],
        procedure=DEMO_DOSSIER["procedure_code"],
        procedure_name=DEMO_DOSSIER["procedure_name"],
        owner_id=DEMO_DOSSIER["owner_id"],
        owner_name=DEMO_DOSSIER["owner_name"],
        kind=DocumentKind.RESULT.value,
        title="Giấy chứng nhận",
        result_code="KQ.H15-2026-000123",
    )
    for page in demo_pages(view.ctx.paths.pages / "demo"):
        view.pages.add_page(page)
    view.pages.select_row(0)
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QListWidgetItem

    for text, ticked in (
        ("Giấy khai sinh · KQ.H15-2019-004512 · 12/03/2019", True),
        ("Sổ hộ khẩu · KQ.H15-2015-000781 · 02/07/2015", False),
    ):
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        view.reuse_list.addItem(item)


def fill_backlog(view: Any) -> None:
    pages = demo_pages(view.ctx.paths.pages / "demo-backlog")
    for p in pages:
        p.new_document = False
    pages[2].new_document = True
    view.add_pages(pages)
    view.form.fill(
        code="H15.50.05.13-190412-0311",
        procedure="2.000884",
        owner_id="079185004321",
        owner_name="Trần Thị Bình",
        title="Giấy khai sinh",
        result_code="KQ.H15-2019-000311",
    )


def demo_queue_items() -> list[services.QueueItem]:
    rows = [
        ("pending", 0.0, "", 0),
        ("uploading", 0.6, "", 0),
        ("done", 1.0, "", 0),
        ("done", 1.0, "", 0),
        ("rejected", 0.0, "Máy chủ từ chối: mã kết quả đã tồn tại trong kho", 3),
        ("pending", 0.0, "Không kết nối được với kho dữ liệu; sẽ thử lại sau 5 phút", 2),
    ]
    out = []
    for n, (state, prog, reason, attempts) in enumerate(rows):
        owner = OWNERS[n % len(OWNERS)][0]
        out.append(
            services.QueueItem(
                str(n + 1),
                f"H15.50.05.13-261008-{975 + n:04d} · Kết quả ({owner})",
                state,
                prog,
                reason,
                attempts,
                f"24/11 0{8 + n % 2}:{10 + 7 * n}",
            )
        )
    return out
