"""Qt translations: ours from resources/i18n, Qt's own for the standard buttons."""

from __future__ import annotations

import logging
from importlib.resources import files

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"  # the strings in the code; every other language is a .qm file


def translations_dir() -> str:
    return str(files("agent_desk.resources") / "i18n")


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """Install the translators for *language*; the caller keeps the list alive."""
    QLocale.setDefault(QLocale(language))
    if language == SOURCE_LANGUAGE:
        return []
    installed: list[QTranslator] = []
    ours = QTranslator(app)
    if ours.load(f"agent_desk_{language}", translations_dir()):
        app.installTranslator(ours)
        installed.append(ours)
    else:
        log.warning("no translation for %s in %s", language, translations_dir())
    qt_base = QTranslator(app)
    if qt_base.load(
        f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(qt_base)
        installed.append(qt_base)
    return installed
