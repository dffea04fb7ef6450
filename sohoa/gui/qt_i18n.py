"""Qt's translation system for the widgets: Vietnamese by default, English available.

Widget strings are written in English inside ``tr()`` and translated to Vietnamese by
``sohoa/gui/translations/sohoa_vi.qm`` (compiled from ``sohoa_vi.ts`` with pyside6-lrelease and
committed, so the app never needs the tool at runtime). Messages that come from the core
(errors) use ``sohoa.core.i18n``, whose language is switched here too, so one setting drives both.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from sohoa.core import i18n

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
_installed: list[QTranslator] = []


def qm_file(lang: str) -> Path:
    return TRANSLATIONS / f"sohoa_{lang}.qm"


def install_language(lang: str) -> str:
    """Load ``lang`` ("vi" or "en") into the running application; return the language in use."""
    app = QCoreApplication.instance()
    if lang not in i18n.LANGUAGES:
        lang = "vi"
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    i18n.set_language(lang)
    QLocale.setDefault(
        QLocale(
            QLocale.Language.Vietnamese if lang == "vi" else QLocale.Language.English,
            QLocale.Country.Vietnam if lang == "vi" else QLocale.Country.UnitedStates,
        )
    )
    if lang == "en":
        return lang  # the source strings are English
    ours = QTranslator(app)
    if ours.load(str(qm_file(lang))):
        app.installTranslator(ours)
        _installed.append(ours)
    else:
        log.warning("translation file %s not found; the interface stays in English", qm_file(lang))
    qt_base = QTranslator(app)  # Qt's own dialogs (OK/Cancel), when the build ships Vietnamese
    if qt_base.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_base)
        _installed.append(qt_base)
    return lang
