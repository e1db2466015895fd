"""Checking the rows and cells of an uploaded plan file against the plan (no writes)."""

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from actionplans.access import PlanAccess
from actionplans.models import ActionPlan, Activity, BudgetLine, Risk, SubGoal
from actionplans.models.activities import ACTIVITY_USER_FIELDS, CHILD_FIELDS
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
from portal.models import Organisation, model_field
from strategy.models import (
    CollaborationArea,
    EffectGoal,
    FocusArea,
    Perspective,
    StrategicDirection,
)


@dataclass
class CellError:
    sheet: str
    row: int
    column: str
    message: str


class ErrorLog:
    """The errors found in a file: the first ``IMPORT_MAX_ERRORS`` of them, and how many
    there are in all (a file with a formula in every cell has hundreds of thousands)."""

    def __init__(self, keep: int | None = None) -> None:
        self.keep = settings.IMPORT_MAX_ERRORS if keep is None else keep
        self.kept: list[CellError] = []
        self.total = 0

    def append(self, error: CellError) -> None:
        self.total += 1
        if len(self.kept) < self.keep:
            self.kept.append(error)

    def extend(self, errors: Iterable[CellError]) -> None:
        for error in errors:
            self.append(error)

    def __iadd__(self, errors: Iterable[CellError]) -> "ErrorLog":
        self.extend(errors)
        return self

    def __iter__(self) -> Iterator[CellError]:
        return iter(self.kept)

    def __bool__(self) -> bool:
        return self.total > 0


class CheckFailed(Exception):
    """Checking a row raised what no check foresaw (a bug, or a value nobody thought of).
    The import fails with a message that names the row, and the cell where it is known."""

    def __init__(self, sheet: str, row: int, column: str = "", cause: BaseException | None = None):
        self.sheet, self.row, self.column = sheet, row, column
        detail = f"{type(cause).__name__}: {cause}" if cause is not None else ""
        super().__init__(f"{sheet} row {row} {column}: {detail}")

    @property
    def message(self) -> str:
        where = {"sheet": self.sheet, "row": self.row, "column": self.column}
        if self.column:
            text = _(
                "The cell “%(column)s” on row %(row)s of the sheet “%(sheet)s” could not be "
                "checked (an error in the portal, which has been logged)."
            )
        else:
            text = _(
                "Row %(row)s of the sheet “%(sheet)s” could not be checked (an error in the "
                "portal, which has been logged)."
            )
        return " ".join(
            (text % where, _("Nothing has been saved: check the file again, or remove it."))
        )


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


class Lookups:
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


def activity_key(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


#: An activity's ID as the export writes it. Not str.isdigit(), which is true of "²" (that
#: int() refuses) and of "١٢" (that int() reads as 12).
ACTIVITY_ID = re.compile(r"[0-9]+")


def check_activity(number, values, plan, existing, lookups: Lookups, users, access: PlanAccess):
    errors: list[CellError] = []

    def error(heading: str, message: str) -> None:
        errors.append(CellError(ACTIVITIES, number, heading, message))

    heading = {c.field: c.heading for c in ACTIVITY_COLUMNS}
    key = activity_key(values.get("id"))
    activity = None
    if key.isdigit() and not ACTIVITY_ID.fullmatch(key):
        error(heading["id"], _("Write the ID with the digits 0–9, as in the exported file."))
        return None, errors
    if ACTIVITY_ID.fullmatch(key):
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
    for name in ("description", "expected_benefits"):
        out[name] = str(values.get(name) or "")
        limit = model_field(Activity, name).max_length
        if limit and len(out[name]) > limit:
            error(heading[name], _("At most %(limit)s characters.") % {"limit": limit})
    for name, accepted in (("kind", lookups.kinds), ("status", lookups.statuses)):
        text = str(values.get(name) or "").lower()
        if text not in accepted:
            error(
                heading[name],
                _("“%(value)s” is not one of: %(choices)s.")
                % {
                    "value": values.get(name) or "",
                    "choices": ", ".join(
                        str(label) for _c, label in model_field(Activity, name).choices or ()
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


def check_child(model, sheet: str, number: int, values: dict, columns: list[Column]):
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
                if not child[name].is_finite() or child[name] != child[name].to_integral_value():
                    raise ValidationError(_("Write an amount in whole kronor."))
                for validator in model_field.validators:
                    validator(child[name])
            else:
                if isinstance(raw, float) and not math.isfinite(raw):
                    raise ValidationError(_("Write a number."))
                value = model_field.to_python(
                    int(raw) if isinstance(raw, float) and raw.is_integer() else raw
                )
                if value in (None, "") and not (model_field.null or model_field.blank):
                    raise ValidationError(_("A value is needed."))
                for validator in model_field.validators:
                    if value not in (None, ""):
                        validator(value)
                # A TextField's max_length is no validator of the field's.
                limit = getattr(model_field, "max_length", None)
                if limit and isinstance(value, str) and len(value) > limit:
                    raise ValidationError(_("At most %(limit)s characters.") % {"limit": limit})
                child[name] = "" if value is None and not model_field.null else value
        except ValidationError as problem:
            errors.append(CellError(sheet, number, heading[name], " ".join(problem.messages)))
        except Exception as problem:
            raise CheckFailed(sheet, number, heading[name], problem) from problem
    if model is Risk:
        for name in ("likelihood", "consequence"):
            if child.get(name) not in (1, 2, 3, 4, 5) and not any(
                e.column == heading[name] for e in errors
            ):
                errors.append(CellError(sheet, number, heading[name], _("From 1 to 5.")))
    return (child if not errors else None), errors


def compare(row: RowPlan, activity: Activity | None) -> None:
    if activity is None:
        return
    labels = {c.field: c.heading for c in ACTIVITY_COLUMNS}
    for name in ACTIVITY_USER_FIELDS:
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
