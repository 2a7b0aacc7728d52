"""Discharge intake use cases: `agent-desk import discharges|hl7` and `hl7 listen`.

Each row or message is applied wholly or not at all (agent_desk.services.intake_sink);
`hl7 listen` runs agent_desk.services.hl7_listener.
"""

from __future__ import annotations

import logging
from pathlib import Path

from agent_desk.db import audit
from agent_desk.db import intake as intake_db
from agent_desk.db.base import utcnow
from agent_desk.db.engine import Database
from agent_desk.domain.enums import AuditAction, ImportKind
from agent_desk.domain.permissions import Permission, Principal
from agent_desk.domain.phones import PhonePlan
from agent_desk.errors import UserError
from agent_desk.intake.csv_xlsx import SpreadsheetSource, TableError, read_table
from agent_desk.intake.hl7_adt import Hl7FileSource, hl7_files
from agent_desk.intake.mapping import DEFAULT_MAPPING, ColumnMapping, MappingError, MappingStore
from agent_desk.intake.records import IntakeSource
from agent_desk.intake.report import ImportReport
from agent_desk.plans.loader import PlanError, load_plans
from agent_desk.plans.scheduler import PlanSet
from agent_desk.services.hl7_listener import Hl7Listener
from agent_desk.services.intake_sink import DEFAULT_SOURCE, DatabaseSink, run_items

log = logging.getLogger(__name__)


class ImportRefused(UserError, ValueError):
    """The whole input is refused before anything is written; str() says why."""


def plans_dir(data_root: Path) -> Path:
    return data_root / "plans"


def mapping_store(data_root: Path) -> MappingStore:
    return MappingStore(data_root / "mappings")


def load_plan_set(data_root: Path) -> PlanSet:
    """The built-in plans with DATA/plans overriding them; ImportRefused if any is invalid."""
    try:
        return load_plans(plans_dir(data_root))
    except PlanError as exc:
        raise ImportRefused(str(exc)) from None


def open_intake(
    db: Database, data_root: Path, principal: Principal, phone_plan: PhonePlan | None = None
) -> IntakeService:
    """The service as the CLI and the window use it: plans and mappings from the data folder."""
    principal.require(Permission.IMPORT_PATIENTS)  # before the plans are read
    return IntakeService(
        db, load_plan_set(data_root), principal, phone_plan, mappings=mapping_store(data_root)
    )


class IntakeService:
    def __init__(
        self,
        db: Database,
        plans: PlanSet,
        principal: Principal,
        phone_plan: PhonePlan | None = None,
        source: str = DEFAULT_SOURCE,
        mappings: MappingStore | None = None,
    ) -> None:
        """Imports as *principal* (the integration account, or an admin), who must be
        allowed to; the runs and their audit events name them."""
        principal.require(Permission.IMPORT_PATIENTS)
        self.db = db
        self.plans = plans
        self.phone_plan = phone_plan or PhonePlan()
        self.actor = principal.username
        self.source = source
        self.mappings = mappings

    @property
    def sink(self) -> DatabaseSink:
        return DatabaseSink(self.db, self.plans, self.phone_plan, self.source)

    def import_discharges(
        self, path: Path, mapping: ColumnMapping | str = DEFAULT_MAPPING
    ) -> ImportReport:
        """A CSV or .xlsx discharge list, read through *mapping* (or the saved mapping of
        that name); ImportRefused when the file as a whole is unusable."""
        try:
            if isinstance(mapping, str):
                if self.mappings is None:
                    raise MappingError("no mapping folder: pass a ColumnMapping")
                mapping = self.mappings.get(mapping)
            table = read_table(path)
            source: IntakeSource = SpreadsheetSource(table, mapping)
        except (TableError, MappingError, OSError) as exc:
            raise ImportRefused(f"{path.name}: {exc}") from None
        report = ImportReport(table.kind, str(path), utcnow(), encoding=table.encoding)
        return self._run(source, report)

    def import_hl7(self, path: Path) -> ImportReport:
        """One file of HL7 messages, or every file in a folder (in name order)."""
        if not path.exists():
            raise ImportRefused(f"{path}: no such file or folder")
        report = ImportReport(ImportKind.HL7_FILE, str(path), utcnow())
        return self._run(Hl7FileSource(hl7_files(path)), report)

    def _run(self, source: IntakeSource, report: ImportReport) -> ImportReport:
        """Apply every item and keep the report, also when the import is cut short
        (Ctrl-C, a lost database): the rows applied until then are recorded."""
        try:
            run_items(source.items(), self.sink, report)
        except BaseException as exc:
            report.error("import", f"stopped after {report.read} items: {exc!r}")
            try:
                self.save_report(report)
            except Exception:
                log.exception("the report of the interrupted import could not be kept")
            raise
        return self.save_report(report)

    def save_report(self, report: ImportReport) -> ImportReport:
        report.finished_at = utcnow()
        with self.db.write() as session:
            run_id = intake_db.save_import_run(session, report, self.actor)
            audit.record(
                session, self.actor, AuditAction.IMPORT, "import_run", run_id, source=report.source
            )
        log.info("import finished: %s", report.summary().splitlines()[0])
        return report

    def listener(self, host: str = "127.0.0.1", port: int = 2575) -> Hl7Listener:
        return Hl7Listener(self, host, port)
