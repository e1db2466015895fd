"""Read an uploaded plan file, check every row and cell, and apply it all or nothing.

``preview`` never writes; ``apply`` writes everything in one transaction or nothing, with
history for every change (one user and one date per activity, as an edit in the browser).
"""

import io
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from actionplans.access import PlanAccess
from actionplans.models import ActionPlan, Activity, BudgetLine, Risk, SubGoal
from actionplans.services import CHILD_FIELDS, _Stamp
from actionplans.spreadsheet.columns import (
    ACTIVITIES,
    ACTIVITY_COLUMNS,
    CHILD_SHEETS,
    M2M_FIELDS,
    NO,
    YES,
    Column,
    choice_labels,
)
from actionplans.spreadsheet.safety import FileRefused, check_xlsx
from portal.models import Organisation, User
from strategy.models import (
    CollaborationArea,
    EffectGoal,
    FocusArea,
    Perspective,
    StrategicDirection,
)

SCALAR_FIELDS = (
    "title",
    "description",
    "kind",
    "status",
    "collaboration_area_id",
    "lead_organisation_id",
    "contact_id",
    "start_date",
    "end_date",
    "expected_benefits",
)


@dataclass
class CellError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class RowPlan:
    row: int
    key: str
    activity_id: int | None
    action: str  # create, update, unchanged
    title: str
    values: dict[str, Any] = field(default_factory=dict)
    m2m: dict[str, list[int]] = field(default_factory=dict)
    #: sheet -> child rows (field -> value), for the sheets that are in the file
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    #: The links (m2m fields) and child sheets that differ from what is stored.
    changed_links: list[str] = field(default_factory=list)
    changed_sheets: list[str] = field(default_factory=list)
    version: int | None = None


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
        return {str(r.activity_id): r.version for r in self.rows if r.activity_id}


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


class _Lookups:
    """The names a file may use, for this plan's strategy; one query per kind."""

    def __init__(self, plan: ActionPlan) -> None:
        strategy_id = plan.strategy_id
        self.areas = {
            a.name.lower(): a for a in CollaborationArea.objects.filter(strategy_id=strategy_id)
        }
        self.organisations = {o.name.lower(): o for o in Organisation.objects.all()}
        self.m2m = {
            "focus_areas": _by_title(FocusArea.objects.filter(strategy_id=strategy_id)),
            "directions": _by_title(
                StrategicDirection.objects.filter(focus_area__strategy_id=strategy_id)
            ),
            "effect_goals": _by_title(
                EffectGoal.objects.filter(
                    Q(strategy_id=strategy_id) | Q(focus_area__strategy_id=strategy_id)
                )
            ),
            "perspectives": _by_title(Perspective.objects.filter(strategy_id=strategy_id)),
        }
        self.kinds = choice_labels(Activity._meta.get_field("kind"))
        self.statuses = choice_labels(Activity._meta.get_field("status"))


def _by_title(queryset) -> dict[str, list]:
    found: dict[str, list] = {}
    for obj in queryset:
        found.setdefault(str(obj).lower(), []).append(obj)
    return found


def preview(*, plan: ActionPlan, data: bytes, access: PlanAccess) -> Preview:
    """Check the file against the plan. Raises FileRefused for a file that is not read."""
    sheets, errors = read_workbook(data)
    lookups = _Lookups(plan)
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
        row, row_errors = _check_activity(number, values, plan, existing, lookups, users, access)
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
            key = _key(values.get("activity"))
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
            child, child_errors = _check_child(model, sheet, number, values, columns)
            errors += child_errors
            if child is not None:
                target.children[sheet].append(child)

    for row in rows:
        _compare(row, existing.get(row.activity_id))
    return Preview(rows=rows, errors=errors)


def _key(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _check_activity(number, values, plan, existing, lookups: _Lookups, users, access: PlanAccess):
    errors: list[CellError] = []

    def error(heading: str, message: str) -> None:
        errors.append(CellError(ACTIVITIES, number, heading, message))

    heading = {c.field: c.heading for c in ACTIVITY_COLUMNS}
    key = _key(values.get("id"))
    activity = None
    if key.isdigit():
        activity = existing.get(int(key))
        if activity is None:
            error(heading["id"], _("There is no activity %(id)s in this plan.") % {"id": key})
            return None, errors
        if activity.removed_at:
            error(heading["id"], _("The activity is removed; restore it in the plan first."))
            return None, errors
    elif not key:
        key = f"rad {number}"

    result = RowPlan(
        row=number,
        key=key,
        activity_id=activity.pk if activity else None,
        action="update" if activity else "create",
        title=str(values.get("title") or ""),
        version=activity.version if activity else None,
    )
    title = str(values.get("title") or "")
    if not title:
        error(heading["title"], _("A title is needed."))
    elif len(title) > 300:
        error(heading["title"], _("At most 300 characters."))
    out = result.values
    out["title"] = title
    out["description"] = str(values.get("description") or "")
    out["expected_benefits"] = str(values.get("expected_benefits") or "")
    for name, accepted in (("kind", lookups.kinds), ("status", lookups.statuses)):
        text = str(values.get(name) or "").lower()
        if text not in accepted:
            error(
                heading[name],
                _("“%(value)s” is not one of: %(choices)s.")
                % {
                    "value": values.get(name) or "",
                    "choices": ", ".join(
                        str(label) for _c, label in Activity._meta.get_field(name).choices
                    ),
                },
            )
        else:
            out[name] = accepted[text]
    area = lookups.areas.get(str(values.get("collaboration_area") or "").lower())
    if area is None:
        error(
            heading["collaboration_area"],
            _("No collaboration area of the strategy is called “%(name)s”.")
            % {"name": values.get("collaboration_area") or ""},
        )
    else:
        out["collaboration_area_id"] = area.pk
        if not access.can_edit_area(area.pk) or (
            activity and not access.can_edit_area(activity.collaboration_area_id)
        ):
            error(heading["collaboration_area"], _("You may not edit activities of this area."))
    organisation = lookups.organisations.get(str(values.get("lead_organisation") or "").lower())
    if organisation is None:
        error(
            heading["lead_organisation"],
            _("No organisation is called “%(name)s”.")
            % {"name": values.get("lead_organisation") or ""},
        )
    else:
        out["lead_organisation_id"] = organisation.pk
    contact = str(values.get("contact") or "")
    out["contact_id"] = None
    if contact:
        user = users.get(contact.lower())
        if user is None:
            error(
                heading["contact"], _("No user has the user name “%(name)s”.") % {"name": contact}
            )
        else:
            out["contact_id"] = user.pk
    for name in ("start_date", "end_date"):
        parsed = _date(values.get(name))
        if parsed is False:
            error(heading[name], _("Write the date as YYYY-MM-DD."))
        else:
            out[name] = parsed
    if out.get("start_date") and out.get("end_date") and out["end_date"] < out["start_date"]:
        error(heading["end_date"], _("The end must not be before the start."))
    for name in M2M_FIELDS:
        ids = []
        text = str(values.get(name) or "")
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            matches = lookups.m2m[name].get(part.lower(), [])
            if len(matches) != 1:
                error(
                    heading[name],
                    (
                        _("“%(name)s” is not found in the strategy.")
                        if not matches
                        else _("“%(name)s” matches more than one.")
                    )
                    % {"name": part},
                )
                continue
            ids.append(matches[0].pk)
        result.m2m[name] = sorted(ids)
    return result, errors


def _date(value) -> date | bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return False


def _check_child(model, sheet: str, number: int, values: dict, columns: list[Column]):
    errors: list[CellError] = []
    heading = {c.field: c.heading for c in columns}
    child: dict[str, Any] = {}
    for name in CHILD_FIELDS[model]:
        model_field = model._meta.get_field(name)
        raw = values.get(name)
        try:
            if model_field.choices:
                text = "" if raw is None else str(raw).lower()
                accepted = choice_labels(model_field)
                if text == "" and model_field.blank:
                    child[name] = ""
                    continue
                if text not in accepted:
                    raise ValidationError(
                        _("“%(value)s” is not one of: %(choices)s.")
                        % {
                            "value": raw,
                            "choices": ", ".join(str(lab) for _c, lab in model_field.choices),
                        }
                    )
                child[name] = model_field.to_python(accepted[text])
            elif name == "public_funding":
                text = str(raw or "").lower()
                if text not in (YES, NO, "yes", "no", "true", "false", "1", "0"):
                    raise ValidationError(_("Write ja or nej."))
                child[name] = text in (YES, "yes", "true", "1")
            elif name == "amount":
                try:
                    child[name] = Decimal(str(raw).replace(" ", "").replace(",", "."))
                except (InvalidOperation, TypeError):
                    raise ValidationError(_("Write an amount in whole kronor.")) from None
                if child[name] != child[name].to_integral_value():
                    raise ValidationError(_("Write an amount in whole kronor."))
            else:
                value = model_field.to_python(
                    int(raw) if isinstance(raw, float) and raw.is_integer() else raw
                )
                if value in (None, "") and not (model_field.null or model_field.blank):
                    raise ValidationError(_("A value is needed."))
                for validator in model_field.validators:
                    if value not in (None, ""):
                        validator(value)
                child[name] = "" if value is None and not model_field.null else value
        except ValidationError as problem:
            errors.append(CellError(sheet, number, heading[name], " ".join(problem.messages)))
    if model is Risk:
        for name in ("likelihood", "consequence"):
            if child.get(name) not in (1, 2, 3, 4, 5) and not any(
                e.column == heading[name] for e in errors
            ):
                errors.append(CellError(sheet, number, heading[name], _("From 1 to 5.")))
    return (child if not errors else None), errors


def _compare(row: RowPlan, activity: Activity | None) -> None:
    if activity is None:
        return
    labels = {c.field: c.heading for c in ACTIVITY_COLUMNS}
    for name in SCALAR_FIELDS:
        if name in row.values and getattr(activity, name) != row.values[name]:
            row.changes.append(labels[name.removesuffix("_id")])
    for name in M2M_FIELDS:
        if sorted(o.pk for o in getattr(activity, name).all()) != row.m2m.get(name, []):
            row.changes.append(labels[name])
            row.changed_links.append(name)
    for sheet, (model, _columns) in CHILD_SHEETS.items():
        if sheet not in row.children:
            continue
        related = {SubGoal: "sub_goals", BudgetLine: "budget_lines", Risk: "risks"}[model]
        fields = CHILD_FIELDS[model]
        current = sorted(
            tuple(str(getattr(c, f)) for f in fields) for c in getattr(activity, related).all()
        )
        wanted = sorted(tuple(str(c[f]) for f in fields) for c in row.children[sheet])
        if current != wanted:
            row.changes.append(sheet)
            row.changed_sheets.append(sheet)
    row.action = "update" if row.changes else "unchanged"


# --- Applying -----------------------------------------------------------------------------


class ImportStale(Exception):
    """The plan changed between the preview and the saving."""


@transaction.atomic
def apply(
    *, plan: ActionPlan, data: bytes, user: User, access: PlanAccess, versions: dict[str, int]
) -> dict[str, int]:
    """Check the file again and write all of it, or raise and write nothing."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_editable:
        raise ValidationError(_("The plan is no longer a draft: nothing was imported."))
    if not access.can_add_activities:
        raise PermissionDenied
    result = preview(plan=plan, data=data, access=access)
    if not result.ok:
        raise ValidationError(_("The file has errors: nothing was imported."))
    locked = {
        a.pk: a
        for a in Activity.objects.select_for_update().filter(
            pk__in=[r.activity_id for r in result.rows if r.activity_id]
        )
    }
    for row in result.rows:
        if (
            row.activity_id
            and versions.get(str(row.activity_id)) != locked[row.activity_id].version
        ):
            raise ImportStale
    order = plan.activities.aggregate(m=Max("order"))["m"] or 0
    for row in result.rows:
        if row.action == "unchanged":
            continue
        stamp = _Stamp(user)
        if row.activity_id:
            activity = locked[row.activity_id]
            activity.version += 1
            links, sheets = row.changed_links, row.changed_sheets
        else:
            order += 1
            activity = Activity(plan=plan, order=order)
            links, sheets = list(M2M_FIELDS), list(row.children)
        for name, value in row.values.items():
            setattr(activity, name, value)
        # Every value was checked by preview(); the database's constraints hold the rest.
        if links or sheets or not activity.pk:
            activity.skip_history_when_saving = True
            try:
                activity.save()
                for name in links:
                    getattr(activity, name).set(row.m2m.get(name, []))
                for sheet in sheets:
                    model, _columns = CHILD_SHEETS[sheet]
                    _replace_children(model, activity, row.children[sheet], stamp)
            finally:
                del activity.skip_history_when_saving
        # The one history row of this activity's change, links and children included.
        stamp.save(activity)
    return result.counts()


def _replace_children(model, activity: Activity, wanted: list[dict], stamp: _Stamp) -> None:
    fields = CHILD_FIELDS[model]
    current = list(model.objects.filter(activity=activity))
    # Rows equal to one that exists are kept as they are (their history stays quiet).
    kept = []
    for values in wanted:
        match = next(
            (
                c
                for c in current
                if c not in kept and all(str(getattr(c, f)) == str(values[f]) for f in fields)
            ),
            None,
        )
        if match is not None:
            kept.append(match)
    for child in current:
        if child not in kept:
            stamp.delete(child)
    remaining = list(wanted)
    for child in kept:
        remaining.remove(
            next(v for v in remaining if all(str(getattr(child, f)) == str(v[f]) for f in fields))
        )
    for order, values in enumerate(remaining, start=len(kept) + 1):
        child = model(activity=activity, **values)
        if hasattr(child, "order"):
            child.order = order
        stamp.save(child)


def errors_as_json(errors: list[CellError]) -> list[dict]:
    return [asdict(e) for e in errors]
