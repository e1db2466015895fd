"""Read an uploaded plan file and check every row and cell (``checks``) against the plan.

``preview`` never writes. Writing a checked file, all or nothing and with history, is
``actionplans.services.imports.plan_file_apply``.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from typing import Any

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from django.conf import settings
from django.db.models import UniqueConstraint
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from actionplans.access import PlanAccess
from actionplans.models import ActionPlan
from actionplans.spreadsheet.checks import (
    CellError,
    CheckFailed,
    ErrorLog,
    Lookups,
    RowPlan,
    activity_key,
    check_activity,
    check_child,
    compare,
)
from actionplans.spreadsheet.columns import (
    ACTIVITIES,
    ACTIVITY_COLUMNS,
    CHILD_SHEETS,
    M2M_FIELDS,
    Column,
)
from actionplans.spreadsheet.safety import FileRefused, check_xlsx
from portal.models import User

__all__ = ["CheckFailed", "FileRefused", "Preview", "preview", "read_workbook", "xml_refusal"]


@dataclass
class Preview:
    rows: list[RowPlan]
    errors: ErrorLog

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def summary(self) -> dict:
        """What the preview page shows (stored as JSON on the import): the counts, and the
        first ``IMPORT_MAX_LISTED_ROWS`` rows of the file."""
        return {
            "counts": self.counts(),
            "row_count": len(self.rows),
            "rows": [
                {"row": r.row, "action": r.action, "title": r.title, "changes": r.changes}
                for r in self.rows[: settings.IMPORT_MAX_LISTED_ROWS]
            ],
        }

    def versions(self) -> dict[str, int]:
        return {
            str(r.activity_id): r.version
            for r in self.rows
            if r.activity_id and r.version is not None
        }


# --- Reading ------------------------------------------------------------------------------


def xml_refusal(problem: BaseException) -> str | None:
    """Why defusedxml refused the file, if it did: openpyxl wraps the refusal in a
    ValueError of its own, so it is looked for down the exception's chain."""
    seen: set[int] = set()
    current: BaseException | None = problem
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, EntitiesForbidden):
            return _(
                "The file was refused: it declares XML entities, which a spreadsheet never "
                "needs and which can make a file grow without limit or read other files."
            )
        if isinstance(current, ExternalReferenceForbidden):
            return _(
                "The file was refused: it refers to an external resource, which a spreadsheet "
                "never needs."
            )
        if isinstance(current, DTDForbidden):
            return _(
                "The file was refused: it contains a document type declaration (DTD), which "
                "a spreadsheet never needs."
            )
        if isinstance(current, DefusedXmlException):
            return _("The file contains XML constructs that are not allowed.")
        current = current.__cause__ or current.__context__
    return None


class _RowCount:
    """Every row read counts toward ``IMPORT_MAX_ROWS``, empty or full of formulas."""

    def __init__(self) -> None:
        self.total = 0

    def check(self, more: int) -> None:
        """Refuse if ``more`` rows would pass the limit."""
        if self.total + more > settings.IMPORT_MAX_ROWS:
            raise FileRefused(
                _("The file has more than %(limit)s rows.") % {"limit": settings.IMPORT_MAX_ROWS}
            )

    def add(self) -> None:
        self.check(1)
        self.total += 1


def read_workbook(data: bytes) -> tuple[dict[str, list[tuple[int, dict]]], ErrorLog]:
    """The sheets as {sheet: [(row number, {field: value})]}, and the errors found.

    Raises FileRefused for a file that cannot be read, naming the sheet and row where the
    reading stopped."""
    check_xlsx(data)
    errors = ErrorLog()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as problem:  # openpyxl raises many kinds on a broken file
        raise FileRefused(
            xml_refusal(problem) or _("The file is damaged: it cannot be read as .xlsx.")
        ) from None
    sheets: dict[str, list[tuple[int, dict]]] = {}
    columns_of = {ACTIVITIES: ACTIVITY_COLUMNS} | {
        name: columns for name, (_model, columns) in CHILD_SHEETS.items()
    }
    count = _RowCount()
    try:
        if ACTIVITIES not in book.sheetnames:
            raise FileRefused(
                _("The file has no sheet named “%(sheet)s”. Start from an exported plan.")
                % {"sheet": ACTIVITIES}
            )
        for name, columns in columns_of.items():
            if name in book.sheetnames:
                sheets[name] = _read_sheet(book[name], name, columns, errors, count)
    finally:
        book.close()
    return sheets, errors


def _read_sheet(sheet, name: str, columns: list[Column], errors: ErrorLog, count: _RowCount):
    # A sheet that says it has too many rows is refused before they are read (reading
    # 20,000 rows takes seconds). But the <dimension> it declares may be wrong: openpyxl
    # would stop reading at the row it names, or pad the sheet out to it. So every row
    # that is there is read, only those, and each is counted.
    if sheet.max_row:
        count.check(sheet.max_row - 1)
    sheet.reset_dimensions()
    rows: list[tuple[int, dict]] = []
    number = 0
    try:
        rows_iter = sheet.iter_rows()
        header = next(rows_iter, None)
        number = 1
        if header is None:
            return rows
        headings = [str(cell.value).strip() if cell.value is not None else "" for cell in header]
        by_heading = {column.heading: column for column in columns}
        missing = [c.heading for c in columns if c.heading not in headings]
        if missing:
            errors.append(
                CellError(
                    name,
                    1,
                    ", ".join(missing),
                    _("Columns are missing; start from an exported plan."),
                )
            )
            return rows
        formula = _("Formulas are not accepted: paste the value instead.")
        for number, cells in enumerate(rows_iter, start=2):
            count.add()
            values: dict[str, Any] = {}
            for heading, cell in zip(headings, cells, strict=False):
                column = by_heading.get(heading)
                if column is None:
                    continue
                if cell.data_type == "f":
                    errors.append(CellError(name, number, heading, formula))
                    continue
                value = cell.value
                values[column.field] = value.strip() if isinstance(value, str) else value
            if any(v not in (None, "") for v in values.values()):
                rows.append((number, values))
    except FileRefused:
        raise
    except Exception as problem:  # the sheet's XML or its zip member, broken part-way
        raise FileRefused(
            xml_refusal(problem)
            or _(
                "The sheet “%(sheet)s” is damaged from row %(row)s on: it cannot be read. "
                "Save the file again in Excel, or start from an exported plan."
            )
            % {"sheet": name, "row": number + 1}
        ) from problem
    return rows


# --- Checking -----------------------------------------------------------------------------


@contextmanager
def _checking(sheet: str, number: int) -> Iterator[None]:
    """An unforeseen error while checking a row fails the import naming that row."""
    try:
        yield
    except (FileRefused, CheckFailed):
        raise
    except Exception as problem:
        raise CheckFailed(sheet, number, cause=problem) from problem


def preview(*, plan: ActionPlan, data: bytes, access: PlanAccess) -> Preview:
    """Check the file against the plan. Raises FileRefused for a file that is not read,
    CheckFailed for a row whose check failed unexpectedly."""
    sheets, errors = read_workbook(data)
    lookups = Lookups(plan)
    existing = {
        a.pk: a
        for a in plan.activities.prefetch_related(*M2M_FIELDS, "sub_goals", "budget_lines", "risks")
    }
    users = {
        u.username.lower(): u
        for u in User.objects.filter(
            username__in=[str(v.get("contact") or "") for _, v in sheets.get(ACTIVITIES, [])]
        )
    }
    rows: list[RowPlan] = []
    keys: dict[str, RowPlan] = {}
    for number, values in sheets.get(ACTIVITIES, []):
        with _checking(ACTIVITIES, number):
            row, row_errors = check_activity(number, values, plan, existing, lookups, users, access)
        errors += row_errors
        if row is None:
            continue
        if row.key in keys:
            errors.append(
                CellError(
                    ACTIVITIES,
                    number,
                    "ID",
                    _("The same ID is on two rows (%(key)s).") % {"key": row.key},
                )
            )
            continue
        keys[row.key] = row
        rows.append(row)

    for sheet, (model, columns) in CHILD_SHEETS.items():
        if sheet not in sheets:
            continue
        for row in rows:
            row.children[sheet] = []
        unique = _unique_together(model)
        seen: dict[tuple, int] = {}
        for number, values in sheets[sheet]:
            key = activity_key(values.get("activity"))
            target = keys.get(key)
            if target is None:
                errors.append(
                    CellError(
                        sheet,
                        number,
                        columns[0].heading,
                        _("“%(key)s” is not an ID on the Aktiviteter sheet.") % {"key": key},
                    )
                )
                continue
            with _checking(sheet, number):
                child, child_errors = check_child(model, sheet, number, values, columns)
            errors += child_errors
            if child is None:
                continue
            first = _first_with_same(seen, key, unique, child, number)
            if first:
                headings = {c.field: c.heading for c in columns}
                errors.append(
                    CellError(
                        sheet,
                        number,
                        headings[unique[0][0]],
                        _("The same line is on row %(row)s already (%(columns)s).")
                        % {
                            "row": first,
                            "columns": ", ".join(headings[f] for f in unique[0]),
                        },
                    )
                )
                continue
            target.children[sheet].append(child)

    for row in rows:
        with _checking(ACTIVITIES, row.row):
            compare(row, existing.get(row.activity_id) if row.activity_id else None)
    return Preview(rows=rows, errors=errors)


def _unique_together(model) -> list[tuple[str, ...]]:
    """The fields (besides the activity) that the database holds unique among an
    activity's rows of ``model``."""
    return [
        tuple(name for name in constraint.fields if name != "activity")
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint) and constraint.condition is None
    ]


def _first_with_same(seen: dict, key: str, unique, child: dict, number: int) -> int | None:
    """The row that already has this child's unique values, or None (and remember it)."""
    found = [(key, fields, *(child[name] for name in fields)) for fields in unique]
    for values in found:
        if values in seen:
            return seen[values]
    seen.update(dict.fromkeys(found, number))
    return None


def errors_as_json(errors: ErrorLog) -> list[list]:
    """The kept errors, compactly: [sheet, row, column, message] each."""
    return [list(astuple(e)) for e in errors]
