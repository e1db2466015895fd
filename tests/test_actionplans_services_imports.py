"""The imports' services: whatever goes wrong while checking a file ends the import (never
left checking), with a message naming the row; errors are kept capped and compactly; a
stalled import is given up; an import can be checked again or removed."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from actionplans.access import ImportAccess
from actionplans.models import PlanImport
from actionplans.services import imports
from actionplans.spreadsheet import importer
from tests import xlsx_helpers
from tests.factories import project_make


@pytest.fixture
def draft_plan(programme):
    project_make(programme)
    return programme.draft_plan


def _create(programme, plan, data: bytes) -> PlanImport:
    upload = io.BytesIO(data)
    upload.name = "plan.xlsx"
    user = programme.coordinator
    return imports.plan_import_create(
        plan=plan, user=user, access=programme.access(user, plan), upload=upload
    )


def _checked(programme, plan, data: bytes) -> PlanImport:
    plan_import = _create(programme, plan, data)
    imports.plan_import_check(import_id=plan_import.pk)
    plan_import.refresh_from_db()
    return plan_import


def _access(plan_import: PlanImport) -> ImportAccess:
    return ImportAccess(plan_import=plan_import, is_uploader=True)


@pytest.mark.parametrize(
    ("broken", "state", "says"),
    [
        (
            lambda plan: xlsx_helpers.cut_in_half(xlsx_helpers.plan_file(plan, copies=150)),
            "invalid",
            r"Bladet ”Aktiviteter” är skadat från rad \d+",
        ),
        (
            lambda plan: xlsx_helpers.under_declared(xlsx_helpers.plan_file(plan, copies=600)),
            "invalid",
            r"Bladet ”Aktiviteter” är skadat från rad \d+",
        ),
        (
            lambda plan: xlsx_helpers.plan_file(plan, cells={"A2": "²"}),
            "invalid",
            None,  # an error in the ID cell, in the list
        ),
    ],
    ids=["sheet cut in half", "under-declared zip member", "ID ²"],
)
def test_a_broken_file_ends_the_check(programme, draft_plan, broken, state, says):
    plan_import = _checked(programme, draft_plan, broken(draft_plan))
    assert plan_import.state == state
    assert plan_import.finished_at is not None
    if says:
        assert re.search(says, plan_import.message), plan_import.message
    else:
        assert ["Aktiviteter", 2, "ID"] in [error[:3] for error in plan_import.errors]
    access = _access(plan_import)
    assert access.can_recheck and access.can_remove


def test_an_unexpected_error_fails_the_import_naming_the_row(programme, draft_plan, monkeypatch):
    data = xlsx_helpers.plan_file(draft_plan, copies=2)
    real = importer.check_activity

    def fails_on_row_4(number, *args):
        if number == 4:
            raise ZeroDivisionError("a bug")
        return real(number, *args)

    monkeypatch.setattr(importer, "check_activity", fails_on_row_4)
    plan_import = _checked(programme, draft_plan, data)
    assert plan_import.state == "failed"
    assert "Rad 4 på bladet ”Aktiviteter” kunde inte kontrolleras" in plan_import.message
    assert _access(plan_import).can_recheck
    # Once the bug is gone, checking again works.
    monkeypatch.setattr(importer, "check_activity", real)
    assert imports.plan_import_recheck(plan_import=plan_import, user=programme.coordinator)
    assert imports.plan_import_check(import_id=plan_import.pk) == "ready"


def test_an_unexpected_error_in_a_cell_names_the_cell(programme, draft_plan, monkeypatch):
    from actionplans.spreadsheet import checks

    def broken_to_python(self, value):
        raise KeyError("a bug")

    monkeypatch.setattr(
        type(checks.SubGoal._meta.get_field("planned_count")), "to_python", broken_to_python
    )
    plan_import = _checked(programme, draft_plan, xlsx_helpers.plan_file(draft_plan))
    assert plan_import.state == "failed"
    assert "Cellen ”Planerat antal” på rad 2 på bladet ”Delmål”" in plan_import.message


def test_a_failure_outside_the_rows_fails_the_import(programme, draft_plan, monkeypatch):
    plan_import = _create(programme, draft_plan, xlsx_helpers.plan_file(draft_plan))
    plan_import.file.storage.delete(plan_import.file.name)  # the file is gone
    assert imports.plan_import_check(import_id=plan_import.pk) == "failed"
    plan_import.refresh_from_db()
    assert "oväntat" in plan_import.message


def test_errors_are_stored_capped_and_compactly(programme, settings):
    settings.IMPORT_MAX_ERRORS = 50
    plan = programme.draft_plan
    plan_import = _checked(programme, plan, xlsx_helpers.formula_file(plan, 400))
    assert plan_import.state == "invalid"
    assert plan_import.error_count == 400 * 14
    assert len(plan_import.errors) == 50
    assert plan_import.errors[0] == [
        "Aktiviteter",
        2,
        "ID",
        "Formler tas inte emot: klistra in värdet i stället.",
    ]
    assert len(json.dumps(plan_import.errors)) < 50 * 120
    assert plan_import.error_list[0]["column"] == "ID"


def test_the_rows_listed_are_capped(programme, draft_plan, settings):
    settings.IMPORT_MAX_LISTED_ROWS = 2
    plan_import = _checked(programme, draft_plan, xlsx_helpers.plan_file(draft_plan, copies=3))
    assert plan_import.state == "ready"
    assert plan_import.summary["row_count"] == 4
    assert len(plan_import.summary["rows"]) == 2
    assert plan_import.summary["counts"] == {"create": 3, "update": 0, "unchanged": 1}


# --- Given up when stalled -----------------------------------------------------------------


def _stalled(plan_import: PlanImport, state: str, ago: timedelta, size: int) -> None:
    PlanImport.objects.filter(pk=plan_import.pk).update(
        state=state, started_at=timezone.now() - ago, size=size
    )


def test_an_import_left_in_progress_is_given_up(programme, draft_plan, settings):
    now = timezone.now()
    hour, minute = timedelta(hours=1), timedelta(minutes=1)
    big = settings.IMPORT_SYNC_MAX_BYTES + 1
    checking = _create(programme, draft_plan, xlsx_helpers.plan_file(draft_plan))
    applying = _create(programme, draft_plan, xlsx_helpers.plan_file(draft_plan))
    fresh = _create(programme, draft_plan, xlsx_helpers.plan_file(draft_plan))
    small = _create(programme, draft_plan, xlsx_helpers.plan_file(draft_plan))
    _stalled(checking, "checking", 2 * hour, big)
    _stalled(applying, "applying", 2 * hour, big)
    _stalled(fresh, "checking", 20 * minute, big)  # the worker may still have it
    _stalled(small, "checking", 20 * minute, 1000)  # the request that checked it is long gone

    given_up = imports.plan_imports_fail_stalled(
        started_before=now - hour, sync_started_before=now - 10 * minute
    )
    assert given_up == 3
    states = dict(PlanImport.objects.values_list("pk", "state"))
    assert states == {
        checking.pk: "failed",
        applying.pk: "failed",
        fresh.pk: "checking",
        small.pk: "failed",
    }
    checking.refresh_from_db()
    assert "inte klar i tid" in checking.message
    applying.refresh_from_db()
    assert "inget sparades" in applying.message
    # Given up, it can be checked again: the check starts its clock anew.
    assert imports.plan_import_recheck(plan_import=checking, user=programme.coordinator)
    checking.refresh_from_db()
    assert checking.started_at > now - minute
    assert imports.plan_import_check(import_id=checking.pk) == "ready"


# --- Removed -------------------------------------------------------------------------------


def test_the_uploader_removes_an_import_and_its_file(
    programme, draft_plan, django_capture_on_commit_callbacks
):
    broken = xlsx_helpers.cut_in_half(xlsx_helpers.plan_file(draft_plan, copies=150))
    plan_import = _checked(programme, draft_plan, broken)
    storage, name = plan_import.file.storage, plan_import.file.name
    assert storage.exists(name)
    with pytest.raises(PermissionDenied, match="Only the uploader removes"):
        imports.plan_import_remove(plan_import=plan_import, user=programme.steering)
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.plan_import_remove(plan_import=plan_import, user=programme.coordinator)
    assert not PlanImport.objects.filter(pk=plan_import.pk).exists()
    assert not storage.exists(name)
    # A message for it delivered late finds nothing to do.
    assert imports.plan_import_check(import_id=plan_import.pk) == ""


@pytest.mark.parametrize("state", ["checking", "applying", "done"])
def test_an_import_in_progress_or_saved_is_kept(programme, draft_plan, state):
    plan_import = _create(programme, draft_plan, xlsx_helpers.plan_file(draft_plan))
    PlanImport.objects.filter(pk=plan_import.pk).update(state=state)
    plan_import.refresh_from_db()
    assert not _access(plan_import).can_remove
    assert not imports.plan_import_remove(plan_import=plan_import, user=programme.coordinator)
    assert PlanImport.objects.filter(pk=plan_import.pk).exists()
