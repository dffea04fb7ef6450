"""The reuse list shows a found result's issue date and validity, and marks an expired one.

Through the real reference server on loopback: results uploaded with NgayCap/ThoiHanHieuLuc come
back from the look-up and are listed with both dates; an expired one says "hết hiệu lực".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from sohoa.core.i18n import language, set_language
from sohoa.workflow.reuse import ReuseHit

OWNER = "079185004321"


@pytest.fixture
def vietnamese() -> Iterator[None]:
    was = language()
    set_language("vi")
    yield
    set_language(was)


def test_the_dates_a_clerk_reads_before_reusing(vietnamese: None) -> None:
    today = date(2026, 12, 2)
    hit = ReuseHit("x", "Giấy phép", "KQ.1", "2026-01-05", issue_date=date(2019, 3, 15))
    assert hit.dates(today) == "cấp 15/03/2019"  # no limit said: nothing invented
    hit.valid_until = date(2026, 12, 2)
    assert hit.dates(today) == "cấp 15/03/2019 · hiệu lực đến 02/12/2026" and not hit.expired(today)
    hit.valid_until = date(2026, 12, 1)  # the last valid day was yesterday
    assert hit.dates(today) == "cấp 15/03/2019 · hiệu lực đến 01/12/2026 (hết hiệu lực)" and hit.expired(
        today
    )
    assert ReuseHit("x", "A", "KQ.1", "2026-01-05").dates(today) == "2026-01-05"  # as before: the stored day
    set_language("en")
    assert hit.dates(today) == "issued 15/03/2019 · valid until 01/12/2026 (expired)"


@pytest.mark.slow
def test_the_reuse_list_shows_issue_date_and_validity_and_marks_the_expired(
    window, ctx, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from reference_repository.samples import make_signed_pdfa, make_test_pki
    from reference_repository.testing import run_server
    from sohoa.core.config import save_setting
    from sohoa.core.model import DocumentKind
    from sohoa.gui import services
    from sohoa.outbox.metadata import DocumentMetadata
    from sohoa.outbox.sync import run_sync

    expired_on = date.today() - timedelta(days=30)
    valid_to = date.today() + timedelta(days=365)
    pki = make_test_pki(tmp_path / "pki")
    with run_server(tmp_path / "repo", trust_roots=[pki.ca_cert]) as server:
        ctx.config = save_setting(ctx.config, "repository.url", server.url)
        box = services.outbox(ctx)
        for n, (title, until) in enumerate(
            [("Giấy phép kinh doanh", expired_on), ("Giấy chứng nhận", valid_to), ("Giấy khai sinh", None)]
        ):
            pdf = tmp_path / f"r{n}.pdf"
            pdf.write_bytes(make_signed_pdfa(pki, title=title))
            box.enqueue(
                pdf,
                DocumentMetadata(
                    dossier_code=f"H15.50.05.13-190412-031{n}",
                    kind=DocumentKind.RESULT,
                    title=title,
                    result_code=f"KQ.H15-2019-00031{n}",
                    owner_id=OWNER,
                    issue_date="2019-04-12",
                    valid_until=until.isoformat() if until else "",
                ).validated(ctx.profile),
            )
        assert len(run_sync(ctx.settings.repository, once=True, outbox=box).acknowledged) == 3
        box.close()

        counter = window.show_view("counter")
        counter.form.fill(code="H15.50.05.13-261008-0976", owner_id=OWNER, kind="component", title="Tờ khai")
        counter.reuse_button.click()
        qtbot.waitUntil(lambda: len(counter.reused) == 3, timeout=30000)

    items = {}
    for i in range(counter.reuse_list.count()):
        item = counter.reuse_list.item(i)
        items[item.text().split(" · ")[0]] = item
    expired, valid, open_ended = (
        items["Giấy phép kinh doanh"],
        items["Giấy chứng nhận"],
        items["Giấy khai sinh"],
    )
    assert expired.text() == (
        f"Giấy phép kinh doanh · KQ.H15-2019-000310 · cấp 12/04/2019 · "
        f"hiệu lực đến {expired_on:%d/%m/%Y} (hết hiệu lực)"
    )
    assert valid.text().endswith(f"cấp 12/04/2019 · hiệu lực đến {valid_to:%d/%m/%Y}")
    assert open_ended.text().endswith("· cấp 12/04/2019")
    assert "hết hiệu lực" in expired.toolTip() and "hết hiệu lực" not in valid.toolTip()
    assert expired.foreground().color() != valid.foreground().color()  # marked, not only worded
    assert not expired.icon().isNull() and valid.icon().isNull()
    assert expired.flags() & Qt.ItemFlag.ItemIsUserCheckable  # the clerk may still attach it, knowingly
