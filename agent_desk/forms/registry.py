"""Where templates live, and which version a name means.

Layout: <root>/<code>/<version>.json, e.g. resources/forms/phq9/1.json. Old versions stay beside
new ones for ever: a record keeps (code, version) and is re-rendered and re-scored with exactly
the template it was filled with. A version once published is never edited, only superseded.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from agent_desk.forms.errors import (
    FormsError,
    TemplateError,
    TemplateErrorCode,
    TemplateInvalid,
    UnknownTemplate,
)
from agent_desk.forms.model import FormTemplate, TemplateStatus, version_key
from agent_desk.forms.parse import VERSION, parse_template_bytes

log = logging.getLogger(__name__)

# Short names admins type (`agent-desk forms show phq9`) -> template codes.
SHORT_NAMES: Mapping[str, str] = {
    "general": "general_discharge",
    "nrs": "nrs",
    "barthel": "barthel",
    "mrs": "mrs",
    "phq9": "phq9",
    "gad7": "gad7",
    "nps": "nps",
    "hypertension": "hypertension",
    "diabetes": "diabetes",
    "post_surgery": "post_surgery",
}


def builtin_root() -> Traversable:
    return files("agent_desk.resources") / "forms"


class TemplateLibrary:
    """Templates under one or more roots (the built-in ones, then e.g. a hospital's own)."""

    def __init__(self, roots: Sequence[Traversable] | None = None) -> None:
        self.roots = tuple(roots) if roots is not None else (builtin_root(),)
        self._cache: dict[tuple[str, str], FormTemplate] = {}

    def codes(self) -> list[str]:
        found = {
            entry.name
            for root in self.roots
            if root.is_dir()
            for entry in root.iterdir()
            if entry.is_dir() and self._files(entry.name)
        }
        return sorted(found)

    def resolve(self, name: str) -> str:
        code = SHORT_NAMES.get(name, name)
        if not self._files(code):
            known = ", ".join(sorted({*SHORT_NAMES, *self.codes()}))
            raise UnknownTemplate(f"no form template {name!r} (known: {known})")
        return code

    def versions(self, name: str) -> list[str]:
        """Oldest first."""
        return sorted(self._files(self.resolve(name)), key=version_key)

    def load(self, name: str, version: str | None = None) -> FormTemplate:
        """The newest version, or exactly `version` (what a stored record asks for)."""
        if version is not None:
            # A published version has one definition and never changes: the card's history
            # names each record's form, and listing the template folders for each was most
            # of the time it took.
            cached = self._cache.get((SHORT_NAMES.get(name, name), version))
            if cached is not None:
                return cached
        code = self.resolve(name)
        files_by_version = self._files(code)
        if version is None:
            version = max(files_by_version, key=version_key)
        elif version not in files_by_version:
            have = ", ".join(sorted(files_by_version, key=version_key))
            raise UnknownTemplate(f"template {code!r} has no version {version!r} (have: {have})")
        key = (code, version)
        if key not in self._cache:
            self._cache[key] = self._read(code, version, files_by_version[version])
        return self._cache[key]

    def title(self, code: str, version: str, language: str = "zh") -> str:
        """What a record's form is called: the title of the version it was filled with,
        else of the newest version, else (its template is gone) the code itself."""
        for pinned in (version, None):
            try:
                return self.load(code, pinned).title.get(language)
            except FormsError:
                continue
        return code

    def catalogue(self) -> list[FormTemplate]:
        """The newest version of every active template: what the form chooser offers."""
        newest = (self.load(code) for code in self.codes())
        return [template for template in newest if template.status is TemplateStatus.ACTIVE]

    def _files(self, code: str) -> dict[str, Traversable]:
        found: dict[str, Traversable] = {}
        for root in self.roots:
            folder = root / code
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                version = entry.name.removesuffix(".json")
                if not entry.name.endswith(".json"):
                    continue
                if not VERSION.match(version):
                    log.warning("ignoring %s: a template file is named <version>.json", entry)
                    continue
                if version in found:
                    raise TemplateInvalid(
                        f"{code} {version}",
                        [
                            TemplateError(
                                None,
                                TemplateErrorCode.LIBRARY_MISMATCH,
                                f"version {version} of {code} exists twice: {found[version]} and "
                                f"{entry}; a published version must have one definition",
                            )
                        ],
                    )
                found[version] = entry
        return found

    @staticmethod
    def _read(code: str, version: str, source: Traversable) -> FormTemplate:
        template = parse_template_bytes(source.read_bytes(), str(source))
        if (template.code, template.version) != (code, version):
            message = (
                f"the file says name {template.code!r} version {template.version!r} but is "
                f"stored as {code}/{version}.json"
            )
            error = TemplateError(None, TemplateErrorCode.LIBRARY_MISMATCH, message)
            raise TemplateInvalid(str(source), [error])
        return template


@cache
def default_library() -> TemplateLibrary:
    return TemplateLibrary()


def load_template(name: str, version: str | None = None) -> FormTemplate:
    """A built-in template by code or short name; the newest version unless one is pinned."""
    return default_library().load(name, version)
