"""The plan as a spreadsheet: the export is the import format, a round trip changes
nothing, every bad cell is reported, hostile files are refused before parsing, and an
import saves all or nothing."""

import io
import re
import zipfile

import pytest
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from actionplans.models import Activity, SubGoal
from actionplans.services.imports import ImportStale, plan_file_apply
from actionplans.spreadsheet import importer
from actionplans.spreadsheet.export import plan_csv, plan_xlsx
from actionplans.spreadsheet.safety import FileRefused, check_xlsx
from tests import xlsx_helpers
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


def test_billion_laughs_is_refused_saying_why(draft_plan, role_access):
    """Entity expansion in the workbook's XML: defusedxml stops it before it grows, and the
    refusal says so (openpyxl wraps defusedxml's refusal in a ValueError)."""
    _user, access = role_access("coordinator", draft_plan)
    laughs = xlsx_helpers.with_doctype(
        plan_xlsx(draft_plan),
        "xl/workbook.xml",
        b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY x "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>',
        replace=b"<sheets>",
    )
    with pytest.raises(FileRefused, match="XML-entiteter"):
        importer.preview(plan=draft_plan, data=laughs, access=access)


def test_an_external_entity_in_a_sheet_is_refused_saying_why(draft_plan, role_access):
    _user, access = role_access("coordinator", draft_plan)
    data = xlsx_helpers.with_doctype(
        xlsx_helpers.plan_file(draft_plan, cells={"B2": "Stjäl"}),
        xlsx_helpers.ACTIVITIES_PART,
        b'<!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    )
    with pytest.raises(FileRefused, match="XML-entiteter"):
        importer.preview(plan=draft_plan, data=data, access=access)


@pytest.mark.parametrize(
    ("refusal", "says"),
    [
        (
            ExternalReferenceForbidden("x", None, "http://example.invalid/x.dtd", None),
            "extern resurs",
        ),
        (DTDForbidden("x", None, None), "dokumenttypdeklaration"),
        (EntitiesForbidden("x", None, None, None, None, None), "XML-entiteter"),
    ],
)
def test_defusedxml_refusals_are_found_in_the_exception_chain(refusal, says):
    try:
        try:
            raise refusal
        except Exception as inner:
            raise ValueError("Unable to read workbook") from inner
    except ValueError as wrapped:
        assert says in importer.xml_refusal(wrapped)
    assert importer.xml_refusal(ValueError("nothing under it")) is None


# --- Damaged files and odd values: refused or reported, never an unhandled error ---------------


def test_a_sheet_cut_in_half_is_refused_naming_the_row(draft_plan, role_access):
    _user, access = role_access("coordinator", draft_plan)
    data = xlsx_helpers.cut_in_half(xlsx_helpers.plan_file(draft_plan, copies=150))
    with pytest.raises(FileRefused, match=r"Bladet ”Aktiviteter” är skadat från rad \d+"):
        importer.preview(plan=draft_plan, data=data, access=access)


def test_a_zip_that_under_declares_a_part_is_refused_naming_the_row(draft_plan, role_access):
    """The directory's sizes pass; reading the part stops at its declared size, with a bad
    checksum, part-way through the rows."""
    _user, access = role_access("coordinator", draft_plan)
    data = xlsx_helpers.under_declared(xlsx_helpers.plan_file(draft_plan, copies=600))
    with pytest.raises(FileRefused, match=r"Bladet ”Aktiviteter” är skadat från rad \d+"):
        importer.preview(plan=draft_plan, data=data, access=access)


def test_a_small_under_declared_part_is_refused_naming_the_part(draft_plan):
    data = xlsx_helpers.under_declared(xlsx_helpers.plan_file(draft_plan, copies=150))
    with pytest.raises(FileRefused, match=r"delen ”xl/worksheets/sheet1\.xml” kan inte läsas"):
        check_xlsx(data)


@pytest.mark.parametrize("key", ["²", "١٢", "1²"])
def test_an_id_of_other_digits_is_an_error_in_its_cell(draft_plan, role_access, key):
    """str.isdigit() is true of "²", which int() refuses, and of "١٢", which int() reads as
    12: an ID is written with 0-9 only."""
    _user, access = role_access("coordinator", draft_plan)
    data = xlsx_helpers.plan_file(draft_plan, cells={"A2": key})
    result = importer.preview(plan=draft_plan, data=data, access=access)
    errors = [e for e in result.errors if e.sheet == "Aktiviteter"]
    assert [(e.row, e.column) for e in errors] == [(2, "ID")]
    assert "0–9" in errors[0].message


def test_an_infinite_number_is_an_error_in_its_cell(draft_plan, role_access):
    """1E+400 reads as float("inf"): int() of it raises OverflowError, Decimal takes it."""
    _user, access = role_access("coordinator", draft_plan)
    book = _book(plan_xlsx(draft_plan))
    book["Delmål"]["C2"] = 4711
    book["Budget"]["E2"] = 4712
    parts = xlsx_helpers.members(xlsx_helpers.save(book))
    for part, number in (
        ("xl/worksheets/sheet2.xml", b"4711"),
        ("xl/worksheets/sheet3.xml", b"4712"),
    ):
        assert b"<v>" + number + b"</v>" in parts[part]
        parts[part] = parts[part].replace(b"<v>" + number + b"</v>", b"<v>1E+400</v>")
    result = importer.preview(plan=draft_plan, data=xlsx_helpers.rezip(parts), access=access)
    assert {(e.sheet, e.row, e.column) for e in result.errors} == {
        ("Delmål", 2, "Planerat antal"),
        ("Budget", 2, "Belopp (kr)"),
    }


def test_rows_past_the_declared_dimension_are_read(draft_plan, role_access):
    """openpyxl stops at the row the sheet's <dimension> names; a file that under-declares
    would lose its last rows without a word."""
    _user, access = role_access("coordinator", draft_plan)
    parts = xlsx_helpers.members(xlsx_helpers.plan_file(draft_plan, copies=3))
    sheet = parts[xlsx_helpers.ACTIVITIES_PART]
    # openpyxl writes `<dimension ref="A1:O5"/>` with lxml and `... />` without it.
    declared = re.compile(rb'<dimension ref="A1:O5"\s*/>')
    assert declared.search(sheet)
    parts[xlsx_helpers.ACTIVITIES_PART] = declared.sub(b'<dimension ref="A1:O2"/>', sheet)
    result = importer.preview(plan=draft_plan, data=xlsx_helpers.rezip(parts), access=access)
    assert result.ok, list(result.errors)
    assert result.counts() == {"create": 3, "update": 0, "unchanged": 1}


def test_an_unexpected_error_in_a_row_names_the_row(draft_plan, role_access, monkeypatch):
    _user, access = role_access("coordinator", draft_plan)
    data = xlsx_helpers.plan_file(draft_plan, copies=2)
    real = importer.check_activity

    def fails_on_row_3(number, *args):
        if number == 3:
            raise RuntimeError("a bug")
        return real(number, *args)

    monkeypatch.setattr(importer, "check_activity", fails_on_row_3)
    with pytest.raises(importer.CheckFailed, match="a bug") as failed:
        importer.preview(plan=draft_plan, data=data, access=access)
    assert (failed.value.sheet, failed.value.row) == ("Aktiviteter", 3)
    assert "Rad 3 på bladet ”Aktiviteter”" in failed.value.message


# --- Limits: rows, errors -------------------------------------------------------------------


def test_rows_of_formulas_count_toward_the_row_limit(draft_plan, role_access):
    """A 40,000-row file whose cells are all formulas was stored: its rows had no values."""
    _user, access = role_access("coordinator", draft_plan)
    data = xlsx_helpers.formula_file(draft_plan, 40_000)
    check_xlsx(data)
    with pytest.raises(FileRefused, match="Filen har fler än 20000 rader"):
        importer.preview(plan=draft_plan, data=data, access=access)


def test_rows_are_counted_whatever_the_sheet_declares(draft_plan, role_access, settings):
    settings.IMPORT_MAX_ROWS = 100
    _user, access = role_access("coordinator", draft_plan)
    data = xlsx_helpers.formula_file(draft_plan, 101, declared=2)
    with pytest.raises(FileRefused, match="Filen har fler än 100 rader"):
        importer.preview(plan=draft_plan, data=data, access=access)


def test_errors_are_capped_and_counted(programme, role_access, settings):
    settings.IMPORT_MAX_ERRORS = 5
    plan = programme.draft_plan  # no activities, so no rows on the other sheets
    _user, access = role_access("coordinator", plan)
    result = importer.preview(plan=plan, data=xlsx_helpers.formula_file(plan, 30), access=access)
    assert not result.ok
    assert result.errors.total == 30 * 14
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "ID"),
        (2, "Titel"),
        (2, "Beskrivning"),
        (2, "Typ"),
        (2, "Status"),
    ]


def test_a_budget_line_twice_is_an_error_in_its_row(draft_plan, role_access):
    """The database holds one line per kind, label and year: saving the file raised an
    IntegrityError ("Saving failed unexpectedly") instead of naming the row."""
    user, access = role_access("coordinator", draft_plan)
    book = _book(plan_xlsx(draft_plan))
    sheet = book["Budget"]
    sheet.append([cell.value for cell in sheet[2]])
    data = xlsx_helpers.save(book)
    result = importer.preview(plan=draft_plan, data=data, access=access)
    assert [(e.sheet, e.row) for e in result.errors] == [("Budget", sheet.max_row)]
    assert "rad 2" in next(iter(result.errors)).message
    with pytest.raises(ValidationError, match="Filen har fel: inget importerades"):
        plan_file_apply(plan=draft_plan, data=data, user=user, access=access, versions={})
