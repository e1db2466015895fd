"""Write a plan as .xlsx (four sheets and instructions) or CSV (the activities)."""

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from actionplans.models import ActionPlan, Activity
from actionplans.spreadsheet.columns import (
    ACTIVITIES,
    ACTIVITY_COLUMNS,
    BUDGET,
    BUDGET_COLUMNS,
    INSTRUCTIONS,
    INSTRUCTIONS_TEXT,
    LIST_SEPARATOR,
    M2M_FIELDS,
    NO,
    RISK_COLUMNS,
    RISKS,
    SUB_GOAL_COLUMNS,
    SUB_GOALS,
    YES,
    swedish_label,
)


def _activities(plan: ActionPlan) -> list[Activity]:
    return list(
        plan.activities.filter(removed_at__isnull=True)
        .select_related("collaboration_area", "lead_organisation", "contact")
        .prefetch_related(*M2M_FIELDS, "sub_goals", "budget_lines", "risks")
        .order_by("collaboration_area__order", "order", "pk")
    )


def activity_row(activity: Activity) -> list:
    values = {
        "id": activity.pk,
        "title": activity.title,
        "description": activity.description,
        "kind": swedish_label(Activity._meta.get_field("kind"), activity.kind),
        "status": swedish_label(Activity._meta.get_field("status"), activity.status),
        "collaboration_area": activity.collaboration_area.name,
        "lead_organisation": activity.lead_organisation.name,
        "contact": activity.contact.username if activity.contact else "",
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "expected_benefits": activity.expected_benefits,
    }
    for name in M2M_FIELDS:
        values[name] = LIST_SEPARATOR.join(str(obj) for obj in getattr(activity, name).all())
    return [values[column.field] for column in ACTIVITY_COLUMNS]


def _child_rows(activities: Iterable[Activity]) -> dict[str, list[list]]:
    sub_goals, budget, risks = [], [], []
    for activity in activities:
        for goal in activity.sub_goals.all():
            sub_goals.append(
                [
                    activity.pk,
                    goal.title,
                    goal.planned_count,
                    swedish_label(goal._meta.get_field("count_period"), goal.count_period),
                    goal.steps,
                ]
            )
        for line in sorted(activity.budget_lines.all(), key=lambda b: (b.kind, b.order, b.year)):
            budget.append(
                [
                    activity.pk,
                    swedish_label(line._meta.get_field("kind"), line.kind),
                    line.year,
                    line.label,
                    int(line.amount),
                    YES if line.public_funding else NO,
                ]
            )
        for risk in activity.risks.all():
            risks.append(
                [activity.pk, risk.description, risk.likelihood, risk.consequence, risk.mitigation]
            )
    return {SUB_GOALS: sub_goals, BUDGET: budget, RISKS: risks}


def plan_xlsx(plan: ActionPlan) -> bytes:
    activities = _activities(plan)
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = ACTIVITIES
    children = _child_rows(activities)
    sheets = [
        (sheet, ACTIVITY_COLUMNS, [activity_row(a) for a in activities]),
        (book.create_sheet(SUB_GOALS), SUB_GOAL_COLUMNS, children[SUB_GOALS]),
        (book.create_sheet(BUDGET), BUDGET_COLUMNS, children[BUDGET]),
        (book.create_sheet(RISKS), RISK_COLUMNS, children[RISKS]),
    ]
    for target, columns, rows in sheets:
        target.append([column.heading for column in columns])
        for cell in target[1]:
            cell.font = Font(bold=True)
        target.freeze_panes = "A2"
        for row in rows:
            target.append(row)
        for cells in target.iter_rows(min_row=2):
            for cell in cells:
                # openpyxl writes any text that starts with "=" as a formula; keep it text.
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        for index, column in enumerate(columns, start=1):
            width = 60 if column.field in {"description", "expected_benefits", "title"} else 22
            target.column_dimensions[get_column_letter(index)].width = width
            if column.field in {"start_date", "end_date"}:
                for (cell,) in target.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "yyyy-mm-dd"
    help_sheet = book.create_sheet(INSTRUCTIONS)
    for line in INSTRUCTIONS_TEXT:
        help_sheet.append([line])
    help_sheet["A1"].font = Font(bold=True)
    help_sheet.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_safe(value):
    """CSV has no cell types: text that a spreadsheet would run as a formula gets a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_document(headings: list[str], rows: Iterable[Iterable]) -> str:
    """CSV as the portal writes every file: semicolon-separated (as Swedish Excel expects),
    formula-safe, and with a byte-order mark so that Excel opens it as UTF-8 (å, ä, ö).
    The plan export and the open-data downloads both write through here."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headings)
    for row in rows:
        writer.writerow(["" if value is None else csv_safe(str(value)) for value in row])
    return "\ufeff" + buffer.getvalue()


def plan_csv(plan: ActionPlan) -> str:
    """The activities sheet as CSV."""
    return csv_document(
        [column.heading for column in ACTIVITY_COLUMNS],
        (activity_row(activity) for activity in _activities(plan)),
    )
