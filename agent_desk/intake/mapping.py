"""Column mappings: which HIS column holds which of our fields, saved per hospital.

A mapping is a named JSON file: {"name": ..., "columns": {"HIS header": "field"}}.
Several headers may map to one field (HIS exports name them differently); the first
one present in a file is used. Built-in mappings live in resources/mappings; a
hospital saves its own in DATA/mappings/NAME.json, which wins over a built-in of the
same name. `agent-desk import discharges FILE --mapping NAME` picks one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from importlib.resources import files
from pathlib import Path

from agent_desk import json_input
from agent_desk.paths import write_atomically

DEFAULT_MAPPING = "default"
_NAME = re.compile(r"^[\w\-]{1,64}$")


class Field(StrEnum):
    RECORD_NO = "record_no"  # 病案号
    VISIT_NO = "visit_no"  # 住院号: the HIS key of this stay
    NAME = "name"
    SEX = "sex"
    BIRTH_DATE = "birth_date"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    FAMILY_PHONE = "family_phone"
    FAMILY_NAME = "family_name"
    ADDRESS = "address"
    INSURANCE_NO = "insurance_no"
    DEPARTMENT_CODE = "department_code"
    DEPARTMENT_NAME = "department_name"
    WARD_CODE = "ward_code"
    WARD_NAME = "ward_name"
    ADMITTED_AT = "admitted_at"
    DISCHARGED_AT = "discharged_at"
    DIAGNOSIS_CODE = "diagnosis_code"
    DIAGNOSIS_NAME = "diagnosis_name"
    OTHER_DIAGNOSES = "other_diagnoses"  # "I10 高血压; E11.9 2型糖尿病"
    ATTENDING_DOCTOR = "attending_doctor"
    DISCHARGE_ORDERS = "discharge_orders"
    DISPOSITION = "disposition"  # 离院方式


REQUIRED = (Field.RECORD_NO, Field.NAME, Field.DISCHARGED_AT)
DEPARTMENT_FIELDS = (Field.DEPARTMENT_CODE, Field.DEPARTMENT_NAME)  # at least one of them


class MappingError(ValueError):
    """A mapping file is unusable, or a file lacks columns the mapping needs."""


def _clean(header: str) -> str:
    return header.replace("\ufeff", "").strip().casefold()


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    name: str
    columns: tuple[tuple[str, Field], ...]  # (HIS header, field), in order of preference
    description: str = ""

    def headers_for(self, target: Field) -> list[str]:
        return [header for header, mapped in self.columns if mapped is target]

    def resolve(self, headers: list[str]) -> dict[Field, int]:
        """Column index of each mapped field present; refuses a file missing required ones."""
        index = {_clean(h): i for i, h in reversed(list(enumerate(headers))) if h}
        found: dict[Field, int] = {}
        for header, target in self.columns:
            position = index.get(_clean(header))
            if position is not None and target not in found:
                found[target] = position
        missing = [
            f"{' or '.join(self.headers_for(f)) or '(no column mapped)'} ({f.value})"
            for f in REQUIRED
            if f not in found
        ]
        if not any(f in found for f in DEPARTMENT_FIELDS):
            names = [h for f in DEPARTMENT_FIELDS for h in self.headers_for(f)]
            missing.append(f"{' or '.join(names) or '(no column mapped)'} (department)")
        if missing:
            raise MappingError(
                f"the file lacks required columns for mapping {self.name!r}: "
                + "; ".join(missing)
                + f". Its columns are: {', '.join(h for h in headers if h) or '(none)'}"
            )
        return found

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "description": self.description,
            "columns": {header: target.value for header, target in self.columns},
        }


def parse_mapping(data: object, where: str) -> ColumnMapping:
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise MappingError(f"{where}: a mapping is an object with a 'columns' object")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise MappingError(f"{where}: 'name' must be letters, digits, _ or - (got {name!r})")
    columns: list[tuple[str, Field]] = []
    known = {f.value for f in Field}
    for header, target in data["columns"].items():
        if target not in known:
            raise MappingError(
                f"{where}: column {header!r} maps to unknown field {target!r}; "
                f"fields are: {', '.join(sorted(known))}"
            )
        columns.append((str(header), Field(target)))
    description = data.get("description", "")
    return ColumnMapping(name, tuple(columns), description if isinstance(description, str) else "")


def builtin_mapping_dir() -> Path:
    return Path(str(files("agent_desk.resources") / "mappings"))


class MappingStore:
    """Named mappings: the hospital's own folder first, then the built-ins."""

    def __init__(self, own_dir: Path, builtin_dir: Path | None = None) -> None:
        self.own_dir = own_dir
        self.builtin_dir = builtin_dir or builtin_mapping_dir()

    def names(self) -> list[str]:
        found = {p.stem for d in (self.own_dir, self.builtin_dir) for p in d.glob("*.json")}
        return sorted(found)

    def get(self, name: str = DEFAULT_MAPPING) -> ColumnMapping:
        if not _NAME.match(name):
            raise MappingError(f"not a mapping name: {name!r}")
        for folder in (self.own_dir, self.builtin_dir):
            path = folder / f"{name}.json"
            if path.is_file():
                try:
                    data = json_input.read(path)
                except json_input.JsonInputError as exc:
                    raise MappingError(f"{path}: not valid JSON: {exc}") from exc
                return parse_mapping(data, str(path))
        known = ", ".join(self.names()) or "none"
        raise MappingError(f"no column mapping named {name!r} (known: {known})")

    def save(self, mapping: ColumnMapping) -> Path:
        """Write atomically: a crash never leaves half a mapping behind."""
        self.own_dir.mkdir(parents=True, exist_ok=True)
        path = self.own_dir / f"{mapping.name}.json"
        text = json.dumps(mapping.to_json(), ensure_ascii=False, indent=2)
        write_atomically(path, text.encode("utf-8"), temp_prefix=".mapping-")
        return path
