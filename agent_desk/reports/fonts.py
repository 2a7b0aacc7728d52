"""The CJK font the PDF reports embed: shipped under resources/fonts/ (see its README for the
font, its licence and how the subset was made), since a Windows desktop has no Debian fonts."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

CJK = "CJK"  # the name documents and drawings ask for
FONT_FILE = "WenQuanYiMicroHei-GBK.ttf"


def font_path() -> Path:
    return Path(str(files("agent_desk.resources") / "fonts" / FONT_FILE))


@cache
def register() -> str:
    """Register the font once per process (reportlab embeds the glyphs each document uses)."""
    pdfmetrics.registerFont(TTFont(CJK, str(font_path())))
    return CJK
