"""Read an uploaded plan file and check every row and cell (``checks``) against the plan.

``preview`` never writes. Writing a checked file, all or nothing and with history, is
``actionplans.services.imports.plan_file_apply``.
"""

import io
from dataclasses import asdict, dataclass
from typing import Any

from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from actionplans.access import PlanAccess
from actionplans.models import ActionPlan
from actionplans.spreadsheet.checks import (
    CellError,
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


@dataclass
class Preview:
    rows: list[RowPlan]
    errors: list[CellError]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def summary(self) -> dict:
        """What the preview page shows (stored as JSON on the import)."""
        return {
            "counts": self.counts(),
            "rows": [
                {"row": r.row, "action": r.action, "title": r.title, "changes": r.changes}
                for r in self.rows
            ],
        }

    def versions(self) -> dict[str, int]:
        return {
            str(r.activity_id): r.version
            for r in self.rows
            if r.activity_id and r.version is not None
        }


# --- Reading ------------------------------------------------------------------------------


def read_workbook(data: bytes) -> tuple[dict[str, list[tuple[int, dict]]], list[CellError]]:
    """The sheets as {sheet: [(row number, {field: value})]}, and the errors found."""
    check_xlsx(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except DefusedXmlException:
        raise FileRefused(_("The file contains XML constructs that are not allowed.")) from None
    except Exception:  # openpyxl raises many kinds on a broken file
        raise FileRefused(_("The file is damaged: it cannot be read as .xlsx.")) from None
    errors: list[CellError] = []
    sheets: dict[str, list[tuple[int, dict]]] = {}
    columns_of = {ACTIVITIES: ACTIVITY_COLUMNS} | {
        name: columns for name, (_model, columns) in CHILD_SHEETS.items()
    }
    try:
        if ACTIVITIES not in book.sheetnames:
            raise FileRefused(
                _("The file has no sheet named “%(sheet)s”. Start from an exported plan.")
                % {"sheet": ACTIVITIES}
            )
        total = 0
        for name, columns in columns_of.items():
            if name not in book.sheetnames:
                continue
            rows, sheet_errors = _read_sheet(book[name], name, columns)
            total += len(rows)
            if total > settings.IMPORT_MAX_ROWS:
                raise FileRefused(
                    _("The file has more than %(limit)s rows.")
                    % {"limit": settings.IMPORT_MAX_ROWS}
                )
            sheets[name] = rows
            errors += sheet_errors
    finally:
        book.close()
    return sheets, errors


def _read_sheet(sheet, name: str, columns: list[Column]):
    rows_iter = sheet.iter_rows()
    header = next(rows_iter, None)
    errors: list[CellError] = []
    if header is None:
        return [], errors
    headings = [str(cell.value).strip() if cell.value is not None else "" for cell in header]
    by_heading = {column.heading: column for column in columns}
    missing = [c.heading for c in columns if c.heading not in headings]
    if missing:
        errors.append(
            CellError(
                name, 1, ", ".join(missing), _("Columns are missing; start from an exported plan.")
            )
        )
        return [], errors
    rows = []
    for number, cells in enumerate(rows_iter, start=2):
        values: dict[str, Any] = {}
        for heading, cell in zip(headings, cells, strict=False):
            column = by_heading.get(heading)
            if column is None:
                continue
            if cell.data_type == "f":
                errors.append(
                    CellError(
                        name,
                        number,
                        heading,
                        _("Formulas are not accepted: paste the value instead."),
                    )
                )
                continue
            value = cell.value
            values[column.field] = value.strip() if isinstance(value, str) else value
        if any(v not in (None, "") for v in values.values()):
            rows.append((number, values))
    return rows, errors


# --- Checking -----------------------------------------------------------------------------


def preview(*, plan: ActionPlan, data: bytes, access: PlanAccess) -> Preview:
    """Check the file against the plan. Raises FileRefused for a file that is not read."""
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
            child, child_errors = check_child(model, sheet, number, values, columns)
            errors += child_errors
            if child is not None:
                target.children[sheet].append(child)

    for row in rows:
        compare(row, existing.get(row.activity_id) if row.activity_id else None)
    return Preview(rows=rows, errors=errors)


def errors_as_json(errors: list[CellError]) -> list[dict]:
    return [asdict(e) for e in errors]
