"""The settings view shows the trust anchors (subject and SHA-256) and the token drivers by vendor name."""

from __future__ import annotations

from sohoa.signing.trust import SHIPPED
from tests.ui.conftest import app, ctx  # noqa: F401 - the UI fixtures, reused


def test_settings_view_lists_trust_anchors_and_vendors(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QComboBox, QLabel

    from sohoa.gui.views.settings import SettingsView
    from sohoa.signing.modules import SOFTHSM_MODULE

    view = SettingsView(ctx)
    qtbot.addWidget(view)
    text = view.findChild(QLabel, "trust-anchor-list").text()
    for fp in SHIPPED.values():
        assert fp in text
    assert "CN=Vietnam National Root CA" in text and "thư mục" in text
    combo = view.findChild(QComboBox, "signing.pkcs11_module")
    labels = [combo.itemText(i) for i in range(combo.count())]
    index = combo.findData(SOFTHSM_MODULE)
    assert index >= 0 and combo.itemText(index).startswith("SoftHSM2"), labels  # by vendor name
    assert not any("/" in label for label in labels), labels  # no path in the list...
    assert combo.itemData(index, Qt.ItemDataRole.ToolTipRole) == SOFTHSM_MODULE  # ...it shows on hover
