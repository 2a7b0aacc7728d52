"""The roles table: what each role may do, and department scope."""

from __future__ import annotations

import uuid

import pytest

from agent_desk.domain.enums import Role
from agent_desk.domain.permissions import Permission, PermissionDenied, Principal


def test_an_agent_finds_any_patient_but_cannot_play_recordings_or_export_unmasked() -> None:
    agent = Principal.of("li", [Role.AGENT])
    assert agent.may(Permission.FIND_PATIENT)
    assert agent.department_filter() is None
    with pytest.raises(PermissionDenied, match="li is not allowed to play recordings"):
        agent.require(Permission.PLAY_RECORDINGS)
    assert not agent.may(Permission.EXPORT_UNMASKED)


def test_an_admin_listens_only_when_also_a_supervisor() -> None:
    assert not Principal.of("root", [Role.ADMIN]).may(Permission.PLAY_RECORDINGS)
    assert Principal.of("root", [Role.ADMIN, Role.SUPERVISOR]).may(Permission.PLAY_RECORDINGS)


def test_a_nurse_sees_only_her_departments_and_with_none_sees_nothing() -> None:
    ward = uuid.uuid4()
    nurse = Principal.of("wang", [Role.NURSE], [ward])
    assert nurse.sees_department(ward)
    assert not nurse.sees_department(uuid.uuid4())
    assert Principal.of("new", [Role.NURSE]).department_filter() == frozenset()


def test_a_supervisor_without_departments_supervises_the_whole_hospital() -> None:
    assert Principal.of("zhao", [Role.SUPERVISOR]).department_filter() is None
    ward = uuid.uuid4()
    assert Principal.of("zhao", [Role.SUPERVISOR], [ward]).department_filter() == {ward}


def test_the_integration_account_only_imports() -> None:
    his = Principal.of("his", [Role.INTEGRATION])
    assert [p for p in Permission if his.may(p)] == [Permission.IMPORT_PATIENTS]
