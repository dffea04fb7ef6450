"""The dossier form's live validation, the settings view (locks, save, tests) and statistics."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

ROOT = Path(__file__).resolve().parents[2]


def _form(ctx, qtbot):  # type: ignore[no-untyped-def]
    from sohoa.gui.dossier_form import DossierForm

    form = DossierForm(ctx.profile)
    qtbot.addWidget(form)
    form.show()
    return form


def test_owner_id_is_validated_as_typed_with_the_vietnamese_message(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    form = _form(ctx, qtbot)
    message = form._messages["ownerId"]
    qtbot.keyClicks(form.owner_id, "123456789")  # an old 9-digit ID card
    assert message.isVisible()
    assert "CMND 9 số cũ" in message.text()
    assert not form.valid
    form.owner_id.clear()
    qtbot.keyClicks(form.owner_id, "001099012345")
    assert not message.isVisible()
    assert "ownerId" not in form.errors()


def test_owner_type_switch_revalidates_the_same_number_as_a_tax_code(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    form = _form(ctx, qtbot)
    form.owner_id.setText("0100109106")  # a valid 10-digit tax code, but not a personal ID
    assert "ownerId" in form.errors()
    form.owner_type.setCurrentIndex(form.owner_type.findData("organisation"))
    assert "ownerId" not in form.errors()
    form.owner_id.setText("0100109107")  # wrong check digit
    assert "chữ số kiểm tra" in form.errors()["ownerId"]


def test_dossier_code_with_a_future_date_is_refused(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    form = _form(ctx, qtbot)
    form.code.setText("H15.50.05.13-451231-0001")
    assert "sau ngày hôm nay" in form.errors()["code"]
    form.code.setText("H15.50.05.13-261008-0975")
    assert "code" not in form.errors()


def test_result_needs_a_result_code_and_tab_order_follows_the_form(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    form = _form(ctx, qtbot)
    form.fill(code="H15.50.05.13-261008-0975", kind="result")
    assert "resultCode" in form.errors()
    form.fill(kind="component")
    assert form.valid
    form.code.setFocus()
    order = [form.code]
    for _ in range(4):
        qtbot.keyClick(order[-1], Qt.Key.Key_Tab)
        order.append(form.focusWidget())
    assert order[1:] == [form.procedure, form.procedure_name, form.owner_type, form.owner_id]


def test_settings_show_locked_values_disabled_and_save_the_others(ctx, qtbot, sohoa_home: Path) -> None:  # type: ignore[no-untyped-def]
    from sohoa.core.config import load_config
    from sohoa.gui.views.settings import SettingsView

    (sohoa_home / "system-config.toml").write_text(
        'locked = ["repository.url"]\n[repository]\nurl = "https://kho.example.gov.vn"\n', encoding="utf-8"
    )
    ctx.reload_config()
    view = SettingsView(ctx)
    qtbot.addWidget(view)
    url = view.fields["repository.url"].widget
    assert not url.isEnabled()
    assert url.text() == "https://kho.example.gov.vn"
    assert "khóa" in url.toolTip()
    agency = view.fields["general.agency_name"].widget
    agency.setText("UBND xã Thử Nghiệm")
    assert view.save()
    assert load_config().settings.general.agency_name == "UBND xã Thử Nghiệm"
    assert "Đã lưu" in view.message.text()


def test_settings_save_free_text_and_keep_numbers_in_range(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.views.settings import SettingsView

    view = SettingsView(ctx)
    qtbot.addWidget(view)
    view.fields["general.province_profile"].widget.setEditText("/nonexistent/profile.toml")
    view.fields["signing.cert_id"].widget.setText("01")
    assert view.save()  # the profile is a free path; it is checked when used, and the fallback is logged
    box = view.fields["repository.bandwidth_limit_kbps"].widget
    box.setValue(-5)  # the spin box clamps at 0: an invalid value cannot even be typed
    assert box.value() == 0


def test_storage_test_button_reports_free_space(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.views.settings import SettingsView

    view = SettingsView(ctx)
    qtbot.addWidget(view)
    view.run_test("general")
    label = view.test_results["general"]
    qtbot.waitUntil(lambda: "GB" in label.text(), timeout=10000)
    assert "ghi được" in label.text()


def test_repository_test_button_says_when_nothing_answers(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.views.settings import SettingsView

    view = SettingsView(ctx)
    qtbot.addWidget(view)
    view.fields["repository.url"].widget.setText("http://127.0.0.1:9")
    view.run_test("repository")
    label = view.test_results["repository"]
    qtbot.waitUntil(lambda: "không phản hồi" in label.text(), timeout=15000)


def test_statistics_by_day_and_procedure_and_csv_export(ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.views.statistics import StatisticsView

    store = ctx.store
    for kind, proc, pages in [
        ("digitized", "1.001757", 3),
        ("digitized", "1.001757", 2),
        ("signed", "1.001757", 0),
        ("uploaded", "1.001757", 0),
        ("digitized", "2.000884", 5),
        ("reused", "2.000884", 0),
    ]:
        store.record_event(kind, procedure_code=proc, pages=pages, clerk="lan")
    store.db["events"].insert(
        {
            "at": "2020-01-02T03:00:00+00:00",
            "kind": "digitized",
            "procedure_code": "1.001757",
            "pages": 99,
            "clerk": "old",
            "dossier_id": "",
            "document_id": "",
        }
    )
    view = StatisticsView(ctx)
    qtbot.addWidget(view)
    view.set_range(date.today().replace(day=1), date.today())
    by_proc = {r.procedure: r for r in view.rows}
    assert by_proc["1.001757"].pages == 5  # the 2020 event is outside the range
    assert by_proc["1.001757"].documents == {"digitized": 2, "signed": 1, "uploaded": 1, "reused": 0}
    assert by_proc["2.000884"].documents["reused"] == 1
    assert "10 trang" in view.totals.text()
    view.procedure.setCurrentIndex(view.procedure.findData("2.000884"))
    assert [r.procedure for r in view.rows] == ["2.000884"]
    out = view.export(tmp_path / "report.csv")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["Ngày", "Thủ tục", "Số trang đã số hóa"]
    assert rows[1][1:] == ["2.000884", "5", "1", "0", "0", "1"]


def test_statistics_export_to_an_unwritable_place_says_so(ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.views.statistics import StatisticsView

    view = StatisticsView(ctx)
    qtbot.addWidget(view)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert view.export(blocker / "report.csv") is None
    assert view.totals.text()


def test_every_interface_string_has_a_vietnamese_translation() -> None:
    tree = ET.parse(ROOT / "sohoa" / "gui" / "translations" / "sohoa_vi.ts")  # noqa: S314 - our own file
    unfinished = [
        m.findtext("source")
        for m in tree.iter("message")
        if m.find("translation").get("type") in ("unfinished", "vanished", "obsolete")
    ]
    assert unfinished == []
    qm = ROOT / "sohoa" / "gui" / "translations" / "sohoa_vi.qm"
    assert qm.stat().st_size > 1000


def test_a_setting_locked_after_the_view_opened_is_refused_with_the_core_message(
    ctx, qtbot, sohoa_home: Path
) -> None:  # type: ignore[no-untyped-def]
    from sohoa.core.config import load_config
    from sohoa.gui.views.settings import SettingsView

    view = SettingsView(ctx)
    qtbot.addWidget(view)
    (sohoa_home / "system-config.toml").write_text('locked = ["general.agency_name"]\n', encoding="utf-8")
    ctx.config = load_config()  # the administrator locked it meanwhile (another process reloaded)
    view.fields["general.agency_name"].widget.setText("UBND phường Hai")
    assert not view.save()
    assert "quản trị viên khóa" in view.message.text()
    assert load_config().settings.general.agency_name == ""


def test_no_user_facing_literal_bypasses_tr() -> None:
    """Widget texts come from tr()/translate() or from data, never from a bare literal in the code."""
    import ast

    setters = {
        "setText",
        "setWindowTitle",
        "setPlaceholderText",
        "setToolTip",
        "addItem",
        "setTitle",
        "setSubTitle",
        "QLabel",
        "QPushButton",
        "QAction",
        "QGroupBox",
        "addRow",
        "showMessage",
        "setSpecialValueText",
        "setButtonText",
    }
    allowed = {"Tiếng Việt", "English", "SoHoa"}  # language endonyms and the product name
    offenders = []
    for path in (ROOT / "sohoa" / "gui").rglob("*.py"):
        if "demo_data" in path.name or "translations" in path.parts:
            continue  # demo rows are data (names, codes), not interface text
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name not in setters:
                continue
            for arg in node.args[:1]:  # the text; a second argument is data (addItem) or a widget
                parts = (
                    [arg]
                    if isinstance(arg, ast.Constant)
                    else list(arg.values)
                    if isinstance(arg, ast.JoinedStr)
                    else []
                )
                for part in parts:
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        text = part.value.strip(" ·●☐☑⚠\n:()+-0123456789")
                        if (
                            any(c.isalpha() for c in text)
                            and text not in allowed
                            and not text.startswith("Ctrl")
                        ):
                            offenders.append(f"{path.name}:{node.lineno} {part.value!r}")
    assert offenders == []
