"""Hospital IT's follow-up commands: import discharges and HL7, check and score forms."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_login import add_account, run

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent


def _pv1() -> str:
    fields = [""] * 46
    fields[0], fields[2], fields[3] = "PV1", "I", "CARD^101^1"
    fields[7], fields[19] = "D001^王^主任", "V2026901"
    fields[44], fields[45] = "20261110080000", "20261120090000"
    return "|".join(fields)


A03 = (
    "\r".join(
        [
            "MSH|^~\\&|HIS|HOSP|AGENTDESK|HOSP|20261120093000||ADT^A03|MSG0001|P|2.5"
            "|||||||UNICODE UTF-8",
            "EVN|A03|20261120093000",
            "PID|1||D2026901^^^HOSP^MR||孙^小美||19700203|F|||||13700137000",
            _pv1(),
            "DG1|1||I10^原发性高血压^I10",
        ]
    )
    + "\r"
)


def test_importing_a_discharge_list_twice_creates_nothing_new(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    add_account(tmp_path)
    assert run(tmp_path, "import", "discharges", str(DATA / "discharges.csv")) in (0, 1)
    first = capsys.readouterr().out.splitlines()[0]
    assert run(tmp_path, "import", "discharges", str(DATA / "discharges.csv")) in (0, 1)
    second = capsys.readouterr().out.splitlines()[0]
    assert "created 0" not in first
    assert "created 0," in second
    assert run(tmp_path, "export", "tasks", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)  # the imported discharges have follow-up tasks


def test_an_hl7_discharge_creates_the_patient_and_a_duplicate_is_skipped(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    add_account(tmp_path)
    message = tmp_path / "a03.hl7"
    message.write_text(A03 + A03, encoding="utf-8")  # the HIS sent it twice
    assert run(tmp_path, "import", "hl7", str(message)) == 0
    summary = capsys.readouterr().out
    assert "read 2, created 1" in summary and "skipped 1" in summary
    assert run(tmp_path, "export", "patients", "--format", "json") == 0
    [patient] = json.loads(capsys.readouterr().out)
    assert (patient["name"], patient["phone"]) == ("孙小美", "137****7000")


def test_missing_import_file_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    add_account(tmp_path)
    assert run(tmp_path, "import", "hl7", str(tmp_path / "nowhere")) == 1
    assert capsys.readouterr().err.startswith("agent-desk: no such file or folder")


def test_forms_validate_show_and_score(tmp_path: Path, monkeypatch, capsys) -> None:
    template = ROOT / "resources" / "forms" / "phq9" / "1.json"
    assert run(tmp_path, "forms", "validate", str(template)) == 0
    assert run(tmp_path, "forms", "show", "phq9", "--json") == 0
    shown = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert [i["linkId"] for i in shown["items"]][:2] == ["phq9_items", "phq9_1"]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({f"phq9_{n}": 0 for n in range(1, 9)} | {"phq9_9": 1}))
    assert run(tmp_path, "forms", "score", "phq9", str(answers)) == 0
    scored = json.loads(capsys.readouterr().out)
    assert scored["values"]["phq9_total"] == 1
    assert scored["alerts"]


def test_a_broken_template_is_refused_naming_the_item(tmp_path: Path, monkeypatch, capsys) -> None:
    broken = json.loads((ROOT / "resources" / "forms" / "nrs" / "1.json").read_text())
    broken["item"][0]["maxValue"] = -1
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False))
    assert run(tmp_path, "forms", "validate", str(path)) == 1
    assert "nrs_pain" in capsys.readouterr().err
