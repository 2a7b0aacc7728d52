"""The covering indexes the statistics read (migration 0021), kept beside the statistics
rather than in models.py (which would outgrow its size); models.py imports this module, so
that they are on Base.metadata wherever the models are."""

from __future__ import annotations

from sqlalchemy import Index

from agent_desk.db.models import Call, EncounterDiagnosis, FollowupAttempt, FollowupRecord

# A stay's principal diagnosis (seq 0) from the index alone: the figures by disease and the
# effect comparison look it up for every task of a period.
PRINCIPAL_DIAGNOSIS = Index(
    "ix_encounter_diagnoses_principal",
    EncounterDiagnosis.encounter_id,
    EncounterDiagnosis.seq,
    EncounterDiagnosis.icd10,
)
# A period's records for workload and recovery scores, without their answers JSON (most
# of a row).
RECORDS_COMPLETED = Index(
    "ix_followup_records_completed",
    FollowupRecord.completed_at,
    FollowupRecord.staff_id,
    FollowupRecord.task_id,
    FollowupRecord.recovery_score,
)
# The record made on a call's attempt, for the after-call work.
RECORDS_BY_ATTEMPT = Index(
    "ix_followup_records_attempt",
    FollowupRecord.attempt_id,
    FollowupRecord.staff_id,
    FollowupRecord.completed_at,
)
# A period's calls per staff member, their talk time and the way to their attempts.
CALLS_WORKLOAD = Index(
    "ix_calls_workload",
    Call.started_at,
    Call.staff_id,
    Call.answered_at,
    Call.ended_at,
    Call.id,
)
# A call's attempts, their ids in the index: the way from a call to the record made on it
# (the workload's after-call work; the recordings' call to its task) without reading the
# attempt. It replaced ix_followup_attempts_call_id (call_id alone).
ATTEMPTS_BY_CALL = Index("ix_followup_attempts_call", FollowupAttempt.call_id, FollowupAttempt.id)
