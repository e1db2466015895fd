"""The plan as a spreadsheet: the export is the import format, a round trip changes
nothing, every bad cell is reported, hostile files are refused before parsing, and an
import saves all or nothing."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from actionplans.models import Activity, SubGoal
from actionplans.services.imports import ImportStale, plan_file_apply
from actionplans.spreadsheet import importer
from actionplans.spreadsheet.export import plan_csv, plan_xlsx
from actionplans.spreadsheet.safety import FileRefused, check_xlsx
from tests.factories import activities_make, project_make


@pytest.fixture
def published_plan(programme):
    activities_make(programme)
    return programme.published_plan


@pytest.fixture
def draft_plan(programme):
    """The 2024 draft with its one activity, the project (five sub-goals, twelve budget
    lines), in an area that is not the lead's."""
    project_make(programme)
    return programme.draft_plan


@pytest.fixture
def role_access(programme):
    """``role_access("coordinator", plan)`` -> (the programme's person, their access)."""

    def make(role: str, plan):
        user = getattr(programme, role)
        return user, programme.access(user, plan)

    return make


def _book(data):
    return load_workbook(io.BytesIO(data))


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _history_rows():
    return Activity.history.count() + SubGoal.history.count()


def test_export_has_every_activity_and_its_children(published_plan):
    book = _book(plan_xlsx(published_plan))
    assert book.sheetnames == ["Aktiviteter", "Delmål", "Budget", "Risker", "Instruktioner"]
    rows = list(book["Aktiviteter"].iter_rows(values_only=True))
    assert rows[0][:3] == ("ID", "Titel", "Beskrivning")
    assert len(rows) == 1 + published_plan.activities.count()
    assert "Säkra digitala videomöten" in {row[1] for row in rows}


def test_round_trip_changes_nothing(draft_plan, role_access):
    _user, access = role_access("coordinator", draft_plan)
    data = plan_xlsx(draft_plan)
    result = importer.preview(plan=draft_plan, data=data, access=access)
    assert result.ok, result.errors
    assert result.counts() == {"create": 0, "update": 0, "unchanged": 1}
    before = _history_rows()
    user, access = role_access("coordinator", draft_plan)
    plan_file_apply(
        plan=draft_plan, data=data, user=user, access=access, versions=result.versions()
    )
    assert _history_rows() == before


def test_edit_add_and_children_through_the_file(programme, draft_plan, role_access):
    user, access = role_access("coordinator", draft_plan)
    book = _book(plan_xlsx(draft_plan))
    sheet = book["Aktiviteter"]
    sheet["B2"] = "Regional digitaliseringsutveckling (reviderad)"
    sheet.append(
        [
            "ny1",
            "Ny aktivitet från Excel",
            "",
            "Förstudie",
            "Planerad",
            "Öppna data",
            programme.region.name,
            "",
            "2024-03-01",
            "2024-06-30",
            programme.focus_area.title,
            "",
            "",
            "",
            "",
        ]
    )
    book["Delmål"].append(["ny1", "Ett delmål", 2, "per termin", ""])
    book["Risker"].append(["ny1", "Få deltagare", 4, 3, "Tidig inbjudan"])
    data = _save(book)
    result = importer.preview(plan=draft_plan, data=data, access=access)
    assert result.ok, result.errors
    assert result.counts() == {"create": 1, "update": 1, "unchanged": 0}
    counts = plan_file_apply(
        plan=draft_plan, data=data, user=user, access=access, versions=result.versions()
    )
    assert counts["create"] == 1
    new = draft_plan.activities.get(title="Ny aktivitet från Excel")
    assert new.kind == "prestudy" and new.collaboration_area.name == "Öppna data"
    assert new.sub_goals.get().count_period == "term"
    assert new.risks.get().score == 12
    assert [f.title for f in new.focus_areas.all()] == [programme.focus_area.title]
    project = draft_plan.activities.get(title__endswith="(reviderad)")
    assert project.sub_goals.count() == 5 and project.budget_lines.count() == 12
    assert project.history.first().history_user == user


def test_errors_per_row_and_cell_and_nothing_saved(programme, draft_plan, role_access):
    user, access = role_access("coordinator", draft_plan)
    book = _book(plan_xlsx(draft_plan))
    sheet = book["Aktiviteter"]
    sheet["B2"] = "Bytt titel som inte får sparas"
    sheet.append(
        [
            "",
            "",
            "",
            "Okänd typ",
            "Planerad",
            "Finns inte",
            programme.region.name,
            "",
            "2024-13-01",
            "",
            "Inget sådant",
            "",
            "",
            "",
            "",
        ]
    )
    sheet.append(
        [
            "",
            "Formelrad",
            "",
            "Projekt",
            "Planerad",
            "Öppna data",
            programme.region.name,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    sheet["C4"] = "=1+1"
    data = _save(book)
    result = importer.preview(plan=draft_plan, data=data, access=access)
    found = {(e.row, e.column) for e in result.errors}
    assert {
        (3, "Titel"),
        (3, "Typ"),
        (3, "Samverkansområde"),
        (3, "Start"),
        (3, "Fokusområden"),
        (4, "Beskrivning"),
    } <= found
    formula = next(e for e in result.errors if e.row == 4)
    assert "Formler" in formula.message or "Formulas" in formula.message
    with pytest.raises(ValidationError, match="Filen har fel: inget importerades"):
        plan_file_apply(plan=draft_plan, data=data, user=user, access=access, versions={})
    assert not draft_plan.activities.filter(title="Bytt titel som inte får sparas").exists()


def test_a_lead_may_import_only_their_area(draft_plan, role_access):
    _user, access = role_access("lead", draft_plan)
    result = importer.preview(plan=draft_plan, data=plan_xlsx(draft_plan), access=access)
    assert [e.column for e in result.errors] == ["Samverkansområde"]


def test_a_change_after_the_preview_is_not_overwritten(draft_plan, role_access):
    user, access = role_access("coordinator", draft_plan)
    book = _book(plan_xlsx(draft_plan))
    book["Aktiviteter"]["B2"] = "Från filen"
    data = _save(book)
    result = importer.preview(plan=draft_plan, data=data, access=access)
    activity = draft_plan.activities.get()
    activity.version += 1
    activity.title = "Ändrad i webbläsaren"
    activity.save()
    with pytest.raises(ImportStale, match="An activity changed after the preview"):
        plan_file_apply(
            plan=draft_plan, data=data, user=user, access=access, versions=result.versions()
        )
    assert draft_plan.activities.get().title == "Ändrad i webbläsaren"


def test_csv_export_neutralises_formulas(draft_plan):
    activity = draft_plan.activities.get()
    activity.description = '=HYPERLINK("http://evil")'
    activity.save()
    text = plan_csv(draft_plan)
    assert text.startswith("\ufeffID;Titel")
    assert "'=HYPERLINK" in text
    # In the .xlsx it stays text, not a formula.
    cell = _book(plan_xlsx(draft_plan))["Aktiviteter"]["C2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


# --- Hostile files --------------------------------------------------------------------------


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_not_a_zip_is_refused():
    with pytest.raises(FileRefused, match="ingen Excelfil"):
        check_xlsx(b"ID;Titel\n1;Hej\n")


def test_a_zip_bomb_is_refused_on_its_declared_sizes(settings):
    # 60 MB of zeros packs into about 60 KB: the directory tells, nothing is unpacked.
    bomb = _zip(
        {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * (60 * 2**20)}
    )
    assert len(bomb) < 200_000
    with pytest.raises(FileRefused, match=r"packas upp till [\d,]+ MB; gränsen är"):
        check_xlsx(bomb)


def test_a_tightly_packed_part_is_refused(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 100 * 2**20
    dense = _zip({"xl/workbook.xml": b"<workbook/>", "xl/sharedStrings.xml": b"a" * (20 * 2**20)})
    with pytest.raises(FileRefused, match="misstänkt hårt packad"):
        check_xlsx(dense)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(FileRefused, match=r"Filen är [\d,]+ MB; gränsen är"):
        check_xlsx(b"x" * 1001)


def test_macros_are_refused():
    with pytest.raises(FileRefused, match="makron"):
        check_xlsx(_zip({"xl/workbook.xml": b"<workbook/>", "xl/vbaProject.bin": b"x"}))


def test_billion_laughs_is_refused(draft_plan, role_access):
    """Entity expansion in a sheet's XML: defusedxml stops it before it grows."""
    _user, access = role_access("coordinator", draft_plan)
    good = plan_xlsx(draft_plan)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol3;</workbook>'
    )
    source = zipfile.ZipFile(io.BytesIO(good))
    members = {name: source.read(name) for name in source.namelist()}
    members["xl/workbook.xml"] = laughs
    with pytest.raises(FileRefused, match=r"kan inte läsas som \.xlsx") as refused:
        importer.preview(plan=draft_plan, data=_zip(members), access=access)
    # openpyxl wraps defusedxml's refusal in a ValueError, so the file is refused as damaged;
    # the refusal under it is defusedxml's.
    from defusedxml import EntitiesForbidden

    assert isinstance(refused.value.__context__.__cause__, EntitiesForbidden)
