"""An activity's history told for people: who changed which field from what to what.

Reads simple-history's records. Values are shown as the interface shows them (choice
labels, names instead of ids, dates), and the related history is fetched in a fixed number
of queries however long the history is.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.models import Activity, BudgetLine, Risk, SubGoal
from actionplans.models.activities import CHILD_FIELDS
from portal.history import FieldChange, field_changes
from portal.history import shown as _display
from portal.models import Organisation, User, model_field
from strategy.models import (
    CollaborationArea,
    EffectGoal,
    FocusArea,
    Perspective,
    StrategicDirection,
)

#: Fields that are bookkeeping, not content.
HIDDEN_FIELDS = {"id", "plan", "version", "order"}
M2M_FIELDS = {
    "focus_areas": FocusArea,
    "directions": StrategicDirection,
    "effect_goals": EffectGoal,
    "perspectives": Perspective,
}
FOREIGN_KEYS = {
    "collaboration_area": CollaborationArea,
    "lead_organisation": Organisation,
    "contact": User,
}
CHILDREN = {
    SubGoal: gettext_lazy("Sub-goal"),
    BudgetLine: gettext_lazy("Budget line"),
    Risk: gettext_lazy("Risk"),
}

#: The fields that name a child in a list of changes.
CHILD_NAMES: dict[type[Model], tuple[str, ...]] = {
    SubGoal: ("title",),
    BudgetLine: ("label", "year"),
    Risk: ("description",),
}


@dataclass
class HistoryEntry:
    history_id: int | None
    when: datetime
    who: User | None
    action: str
    changes: list[FieldChange] = field(default_factory=list)
    #: May the activity be brought back to this version?
    restorable: bool = False


def _m2m_accessor(name: str) -> str:
    return f"historicalactivity_{name}_set"


def _records(activity_id: int) -> list:
    history = Activity.history.model._default_manager
    return list(
        history.filter(id=activity_id)
        .select_related("history_user")
        .prefetch_related(*(_m2m_accessor(name) for name in M2M_FIELDS))
        .order_by("history_date", "history_id")
    )


def _m2m_ids(record, name: str) -> set[int]:
    target = M2M_FIELDS[name]._meta.model_name
    return {getattr(row, f"{target}_id") for row in getattr(record, _m2m_accessor(name)).all()}


class _Labels:
    """Names for the ids that appear in a set of records, fetched once per model."""

    def __init__(self, records: list) -> None:
        self.names: dict[type[Model], dict[Any, str]] = {}
        wanted: dict[type[Model], set] = {}
        for record in records:
            for name, model in FOREIGN_KEYS.items():
                wanted.setdefault(model, set()).add(getattr(record, f"{name}_id"))
            for name, model in M2M_FIELDS.items():
                wanted.setdefault(model, set()).update(_m2m_ids(record, name))
        for model, ids in wanted.items():
            ids.discard(None)
            self.names[model] = {
                obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)
            }

    def of(self, model: type[Model], pk: Any) -> str:
        if pk is None:
            return "–"
        return self.names.get(model, {}).get(pk) or _("(deleted, id %(id)s)") % {"id": pk}


def _diff(old, new, labels: _Labels) -> list[FieldChange]:
    changes = []
    for concrete in Activity._meta.concrete_fields:
        name = concrete.name
        if name in HIDDEN_FIELDS:
            continue
        before = getattr(old, concrete.attname) if old else None
        after = getattr(new, concrete.attname)
        if before == after:
            continue
        if name in FOREIGN_KEYS:
            shown = labels.of(FOREIGN_KEYS[name], before), labels.of(FOREIGN_KEYS[name], after)
        elif name == "removed_at":
            shown = (
                _("removed") if before else _("in the plan"),
                _("removed") if after else _("in the plan"),
            )
        else:
            shown = _display(Activity, name, before), _display(Activity, name, after)
        if old is None and shown[1] == "–":
            continue
        changes.append(FieldChange(str(concrete.verbose_name), *shown))
    for name, model in M2M_FIELDS.items():
        before_ids = _m2m_ids(old, name) if old else set()
        after_ids = _m2m_ids(new, name)
        if before_ids != after_ids:
            changes.append(
                FieldChange(
                    str(model_field(Activity, name).verbose_name),
                    "; ".join(sorted(labels.of(model, pk) for pk in before_ids)) or "–",
                    "; ".join(sorted(labels.of(model, pk) for pk in after_ids)) or "–",
                )
            )
    return changes


def activity_changes_between(old, new) -> list[FieldChange]:
    """What changed from one historical record of an activity to a later one (with ``old``
    None: every field the record fills)."""
    wanted = {new.history_id, old.history_id if old else None}
    records = [r for r in _records(new.id) if r.history_id in wanted]
    by_id = {r.history_id: r for r in records}
    labels = _Labels(records)
    return _diff(by_id[old.history_id] if old else None, by_id[new.history_id], labels)


def _child_name(child: Model) -> str:
    return _short(" ".join(str(getattr(child, name)) for name in CHILD_NAMES[type(child)]))


def activity_child_changes(activity_id: int, since: datetime | None) -> list[FieldChange]:
    """What changed in the activity's sub-goals, budget lines and risks from how they stood
    at ``since`` (what an editor saw) to now; with ``since`` None, every row as it is now."""
    changes = []
    for model, thing in CHILDREN.items():
        history = model.history  # type: ignore[attr-defined]  # simple-history
        then = (
            {c.pk: c for c in history.as_of(since).filter(activity_id=activity_id)} if since else {}
        )
        now = {
            c.pk: c
            for c in model._default_manager.filter(activity_id=activity_id).order_by("order", "pk")
        }
        for pk, old in then.items():
            if pk not in now:
                changes.append(FieldChange(str(thing), _child_name(old), "–"))
        for pk, new in now.items():
            old = then.get(pk)
            names: tuple[str, ...] = CHILD_FIELDS[model]
            if old is None:
                changes.append(FieldChange(str(thing), "–", _child_name(new)))
                names = tuple(n for n in names if n not in CHILD_NAMES[model])
            item = f"{thing} {_child_name(old or new)}"
            changes += field_changes(model, old, new, names, item=item)
    return changes


def _child_entries(activity_id: int) -> list[HistoryEntry]:
    entries = []
    for model, label in CHILDREN.items():
        history = model.history  # type: ignore[attr-defined]  # simple-history
        records = list(
            history.model._default_manager.filter(activity_id=activity_id)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous: dict[int, Any] = {}
        for record in records:
            before = previous.get(record.id)
            changes = []
            for concrete in model._meta.concrete_fields:
                name = concrete.name
                if name in {"id", "activity", "order"}:
                    continue
                old_value = getattr(before, concrete.attname) if before else None
                new_value = getattr(record, concrete.attname)
                if record.history_type == "-" or old_value == new_value:
                    continue
                if before is None and new_value in (None, ""):
                    continue
                changes.append(
                    FieldChange(
                        str(concrete.verbose_name),
                        _display(model, name, old_value) if before else "–",
                        _display(model, name, new_value),
                    )
                )
            action = {
                "+": _("%(thing)s added: %(name)s"),
                "~": _("%(thing)s changed: %(name)s"),
                "-": _("%(thing)s deleted: %(name)s"),
            }[record.history_type] % {"thing": label, "name": _short(str(record.instance))}
            if record.history_type != "~" or changes:
                entries.append(
                    HistoryEntry(None, record.history_date, record.history_user, action, changes)
                )
            previous[record.id] = record
    return entries


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def activity_history(activity: Activity) -> list[HistoryEntry]:
    """Every change of the activity and of its sub-goals, budget lines and risks, newest
    first."""
    records = _records(activity.pk)
    labels = _Labels(records)
    entries = []
    previous = None
    for record in records:
        changes = _diff(previous, record, labels)
        if previous is None:
            action = _("Created")
        elif changes:
            action = _("Changed")
        else:
            action = _("Moved in the list") if previous.order != record.order else ""
        if action:
            entries.append(
                HistoryEntry(
                    record.history_id,
                    record.history_date,
                    record.history_user,
                    action,
                    changes,
                    restorable=True,
                )
            )
        previous = record
    entries += _child_entries(activity.pk)
    entries.sort(key=lambda e: e.when, reverse=True)
    # The newest version is the current one: nothing to restore.
    for entry in entries:
        if entry.history_id is not None:
            entry.restorable = False
            break
    return entries
