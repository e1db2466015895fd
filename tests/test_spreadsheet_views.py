"""Uploading a plan file: preview, save once, errors kept, large files through Celery."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from actionplans import tasks
from actionplans.access import ImportAccess
from actionplans.models import PlanImport
from actionplans.services import imports
from actionplans.spreadsheet.export import plan_xlsx
from tests import xlsx_helpers
from tests.factories import activities_make, project_make


@pytest.fixture
def draft_plan(programme):
    """The 2024 draft with its one activity, the project."""
    project_make(programme)
    return programme.draft_plan


def _file(plan, title=None, name="plan.xlsx"):
    data = plan_xlsx(plan)
    if title:
        book = load_workbook(io.BytesIO(data))
        book["Aktiviteter"]["B2"] = title
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def _upload(client, plan, **kwargs):
    return client.post(f"/planarbete/{plan.pk}/importera/", {"file": _file(plan, **kwargs)})


def test_upload_preview_and_save(client, programme, draft_plan):
    client.force_login(programme.coordinator)
    response = _upload(client, draft_plan, title="Ny titel via Excel")
    plan_import = PlanImport.objects.get(plan=draft_plan)
    assert response["Location"] == plan_import.get_absolute_url()
    assert plan_import.state == "ready"
    html = client.get(plan_import.get_absolute_url()).content.decode()
    assert "Ny titel via Excel" in html and "/spara/" in html
    assert draft_plan.activities.get().title == "Regional digitaliseringsutveckling"
    client.post(f"/importer/{plan_import.pk}/spara/")
    client.post(f"/importer/{plan_import.pk}/spara/")  # a second click saves nothing more
    plan_import.refresh_from_db()
    assert plan_import.state == "done"
    activity = draft_plan.activities.get()
    assert activity.title == "Ny titel via Excel"
    assert activity.history.filter(title="Ny titel via Excel").count() == 1


def test_a_file_that_is_not_xlsx_gets_a_message(client, programme, draft_plan):
    client.force_login(programme.coordinator)
    upload = io.BytesIO(b"ID;Titel\n")
    upload.name = "plan.csv"
    client.post(f"/planarbete/{draft_plan.pk}/importera/", {"file": upload})
    plan_import = PlanImport.objects.get(plan=draft_plan)
    assert plan_import.state == "invalid"
    html = client.get(plan_import.get_absolute_url()).content.decode()
    assert "xlsx" in html and 'role="alert"' in html


def test_a_large_file_is_checked_by_the_worker(
    client, programme, draft_plan, settings, broker, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_BYTES = 10
    client.force_login(programme.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, draft_plan, title="Stor fil")
    plan_import = PlanImport.objects.get(plan=draft_plan)
    assert broker.sent == [("actionplans.tasks.check_import", (plan_import.pk,))]
    assert plan_import.state == "checking"
    html = client.get(plan_import.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in html  # the page polls while the worker checks
    assert tasks.check_import(plan_import.pk) == "ready"
    assert tasks.check_import(plan_import.pk) == "ready"  # run twice, checked once
    PlanImport.objects.filter(pk=plan_import.pk).update(state="applying")
    assert tasks.apply_import(plan_import.pk) == "done"
    assert tasks.apply_import(plan_import.pk) == "done"  # a redelivery does nothing
    assert draft_plan.activities.get().title == "Stor fil"


def test_a_failed_save_can_be_checked_again(client, programme, draft_plan):
    client.force_login(programme.coordinator)
    _upload(client, draft_plan, title="Från filen")
    plan_import = PlanImport.objects.get(plan=draft_plan)
    activity = draft_plan.activities.get()
    activity.version += 1
    activity.save()
    client.post(f"/importer/{plan_import.pk}/spara/")
    plan_import.refresh_from_db()
    assert plan_import.state == "failed"
    assert plan_import.message  # says that the plan changed after the preview
    client.post(f"/importer/{plan_import.pk}/kontrollera/")
    plan_import.refresh_from_db()
    assert plan_import.state == "ready"


def test_others_do_not_see_an_import(client, programme, draft_plan):
    client.force_login(programme.coordinator)
    _upload(client, draft_plan)
    plan_import = PlanImport.objects.get(plan=draft_plan)
    for user in (programme.contact, programme.steering):
        client.force_login(user)
        assert client.get(plan_import.get_absolute_url()).status_code == 404
        assert client.post(f"/importer/{plan_import.pk}/spara/").status_code == 404


def test_exports(client, programme, draft_plan):
    published_plan = programme.published_plan
    activities_make(programme)
    response = client.get(f"{published_plan.get_absolute_url()}export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(f"{published_plan.get_absolute_url()}export.csv").status_code == 200
    assert client.get(f"{published_plan.get_absolute_url()}export.pdf").status_code == 404
    # A draft is exported only to those who work on it.
    assert client.get(f"/planarbete/{draft_plan.pk}/export.xlsx").status_code == 302
    client.force_login(programme.contact)
    assert client.get(f"/planarbete/{draft_plan.pk}/export.xlsx").status_code == 404
    client.force_login(programme.steering)
    assert client.get(f"/planarbete/{draft_plan.pk}/export.csv").status_code == 200


def test_a_small_file_is_checked_by_the_request_through_the_service(
    client, programme, draft_plan, monkeypatch
):
    """The request calls the service the worker calls; it never runs the task."""

    def not_in_a_request(*args):
        raise AssertionError("the request ran the task")

    monkeypatch.setattr(tasks, "check_import", not_in_a_request)
    monkeypatch.setattr(tasks, "apply_import", not_in_a_request)
    client.force_login(programme.coordinator)
    _upload(client, draft_plan, title="Liten fil")
    plan_import = PlanImport.objects.get()
    assert plan_import.state == "ready"
    client.post(f"/importer/{plan_import.pk}/spara/")
    plan_import.refresh_from_db()
    assert plan_import.state == "done"


def test_only_the_uploader_saves_or_checks_again(programme, draft_plan):
    uploader, other = programme.coordinator, programme.steering
    plan_import = PlanImport(
        plan=draft_plan, uploaded_by=uploader, size=1, sha256="0" * 64, state="ready"
    )
    assert ImportAccess(plan_import=plan_import, is_uploader=True).can_apply
    assert not ImportAccess(plan_import=plan_import, is_uploader=False).can_apply
    assert not ImportAccess(plan_import=plan_import, is_uploader=False).can_recheck
    for state, can_apply, can_recheck in (
        ("checking", False, False),
        ("ready", True, True),
        ("invalid", False, True),
        ("applying", False, False),
        ("failed", False, True),
        ("done", False, False),
    ):
        plan_import.state = state
        access = ImportAccess(plan_import=plan_import, is_uploader=True)
        assert (access.can_apply, access.can_recheck) == (can_apply, can_recheck), state
    plan_import.state = "ready"
    plan_import.save()
    with pytest.raises(PermissionDenied, match="Only the uploader"):
        imports.plan_import_confirm(plan_import=plan_import, user=other)
    with pytest.raises(PermissionDenied, match="Only the uploader"):
        imports.plan_import_recheck(plan_import=plan_import, user=other)
    plan_import.refresh_from_db()
    assert plan_import.state == "ready"


def test_an_import_is_only_created_for_a_draft_by_those_who_add_activities(programme, draft_plan):
    published_plan = programme.published_plan
    user = programme.coordinator
    access = programme.access(user, published_plan)
    with pytest.raises(ValidationError, match="utkast"):
        imports.plan_import_create(
            plan=published_plan, user=user, access=access, upload=_file(published_plan)
        )
    user = programme.steering
    access = programme.access(user, draft_plan)
    with pytest.raises(PermissionDenied, match="add activities"):
        imports.plan_import_create(
            plan=draft_plan, user=user, access=access, upload=_file(draft_plan)
        )
    assert not PlanImport.objects.exists()


# --- Bad files: never a 500, never checking for ever ----------------------------------------


def _post_file(client, plan, data: bytes):
    upload = io.BytesIO(data)
    upload.name = "plan.xlsx"
    return client.post(f"/planarbete/{plan.pk}/importera/", {"file": upload})


BROKEN = {
    "sheet cut in half": lambda plan: xlsx_helpers.cut_in_half(
        xlsx_helpers.plan_file(plan, copies=150)
    ),
    "under-declared zip member": lambda plan: xlsx_helpers.under_declared(
        xlsx_helpers.plan_file(plan, copies=600)
    ),
    "ID ²": lambda plan: xlsx_helpers.plan_file(plan, cells={"A2": "²"}),
}


@pytest.mark.parametrize("where", ["request", "worker"])
@pytest.mark.parametrize("broken", list(BROKEN), ids=list(BROKEN))
def test_a_broken_file_never_costs_a_500(
    client, programme, draft_plan, settings, monkeypatch, broken, where
):
    settings.IMPORT_SYNC_MAX_BYTES = 10 * 2**20 if where == "request" else 10
    monkeypatch.setattr(tasks.check_import, "delay_on_commit", lambda *args: None)
    client.raise_request_exception = True
    client.force_login(programme.coordinator)
    response = _post_file(client, draft_plan, BROKEN[broken](draft_plan))
    assert response.status_code == 302
    plan_import = PlanImport.objects.get(plan=draft_plan)
    if where == "worker":
        assert plan_import.state == "checking"
        assert tasks.check_import(plan_import.pk) == "invalid"
    plan_import.refresh_from_db()
    assert plan_import.state == "invalid"
    response = client.get(plan_import.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' not in html  # the page stops polling
    assert "rad" in (plan_import.message or str(plan_import.errors))
    assert "/kontrollera/" in html and "/ta-bort/" in html


def test_an_unexpected_error_on_the_worker_fails_the_import(
    client, programme, draft_plan, settings, monkeypatch
):
    settings.IMPORT_SYNC_MAX_BYTES = 10
    monkeypatch.setattr(tasks.check_import, "delay_on_commit", lambda *args: None)
    from actionplans.spreadsheet import importer

    def broken(**kwargs):
        raise MemoryError

    monkeypatch.setattr(importer, "preview", broken)
    client.force_login(programme.coordinator)
    _upload(client, draft_plan)
    plan_import = PlanImport.objects.get(plan=draft_plan)
    assert tasks.check_import(plan_import.pk) == "failed"
    html = client.get(plan_import.get_absolute_url()).content.decode()
    assert "misslyckades oväntat" in html and 'hx-trigger="every 2s"' not in html


def test_the_upload_page_never_loads_the_error_payloads(client, programme, draft_plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan_import = PlanImport(
        plan=draft_plan,
        uploaded_by=programme.coordinator,
        original_name="stor.xlsx",
        size=1,
        sha256="0" * 64,
        state="invalid",
        errors=[["Aktiviteter", n, "Titel", "x" * 500] for n in range(200)],
        error_count=210_000,
        summary={"rows": [{"row": n, "title": "y" * 500} for n in range(500)]},
    )
    plan_import.save()
    client.force_login(programme.coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/planarbete/{draft_plan.pk}/importera/")
    assert response.status_code == 200
    assert "stor.xlsx" in response.content.decode()
    selects = [q["sql"] for q in queries if "actionplans_planimport" in q["sql"]]
    assert selects
    for column in ("errors", "summary", "versions"):
        assert not any(f'"actionplans_planimport"."{column}"' in sql for sql in selects), column
    assert len(response.content) < 30_000


def test_the_import_page_stays_small_for_a_15000_row_file_of_formulas(
    client, programme, settings, monkeypatch
):
    """A formula in 14 columns of 15,000 rows stored 210,000 errors (30 MB of JSON) and the
    page took 8 s for 28 MB of HTML."""
    plan = programme.draft_plan
    data = xlsx_helpers.formula_file(plan, 15_000)
    settings.IMPORT_SYNC_MAX_BYTES = 10
    monkeypatch.setattr(tasks.check_import, "delay_on_commit", lambda *args: None)
    client.force_login(programme.coordinator)
    _post_file(client, plan, data)
    plan_import = PlanImport.objects.get(plan=plan)
    assert tasks.check_import(plan_import.pk) == "invalid"
    plan_import.refresh_from_db()
    assert plan_import.error_count == 15_000 * 14
    assert len(plan_import.errors) == settings.IMPORT_MAX_ERRORS == 200
    response = client.get(plan_import.get_absolute_url())
    html = response.content.decode()
    assert "De första 200 visas" in html
    assert len(response.content) < 150_000


def test_the_uploader_removes_an_import(client, programme, draft_plan):
    client.force_login(programme.coordinator)
    _post_file(client, draft_plan, BROKEN["sheet cut in half"](draft_plan))
    plan_import = PlanImport.objects.get(plan=draft_plan)
    client.force_login(programme.lead)  # sees the plan, did not upload the file
    assert client.post(f"/importer/{plan_import.pk}/ta-bort/").status_code in (403, 404)
    client.force_login(programme.coordinator)
    response = client.post(f"/importer/{plan_import.pk}/ta-bort/")
    assert response["Location"] == f"/planarbete/{draft_plan.pk}/importera/"
    assert not PlanImport.objects.filter(pk=plan_import.pk).exists()
    html = client.get(response["Location"]).content.decode()
    assert "Importen av plan.xlsx togs bort" in html


def test_an_import_being_checked_is_not_removed(client, programme, draft_plan, settings):
    settings.IMPORT_SYNC_MAX_BYTES = 10
    client.force_login(programme.coordinator)
    original = tasks.check_import.delay_on_commit
    tasks.check_import.delay_on_commit = lambda *args: None
    try:
        _upload(client, draft_plan)
    finally:
        tasks.check_import.delay_on_commit = original
    plan_import = PlanImport.objects.get(plan=draft_plan)
    response = client.post(f"/importer/{plan_import.pk}/ta-bort/")
    assert response["Location"] == plan_import.get_absolute_url()
    assert PlanImport.objects.filter(pk=plan_import.pk, state="checking").exists()
