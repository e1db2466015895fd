"""What changed since an editor opened a form: the field changes a conflict page shows.

A versioned object (an activity, an activity report, a meeting) has a ``version`` that every
save raises, the admin's included, and its form carries the version it was opened at. A save
from another version, or from a form that does not say which (the version missing, empty or
garbled), is a conflict: nothing is written, and the page shows what the other person
changed, field by field, from django-simple-history's records. The form then carries the
stored version, so saving it again is a deliberate choice to replace theirs.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max, Min, Model, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal.models import User, model_field


@dataclass
class FieldChange:
    field: str
    before: str
    after: str


def shown(model: type[Model], name: str, value: Any) -> str:
    """A field's value as the interface shows it: choice labels, yes/no, local times."""
    field = model_field(model, name)
    if value in (None, ""):
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def field_changes(
    model: type[Model], old: Any, new: Any, names: Iterable[str], *, item: str = ""
) -> list[FieldChange]:
    """What changed in the named fields from ``old`` to ``new`` (instances or history
    records of ``model``). With ``old`` None (not known, or not there yet) every field that
    ``new`` fills. ``item`` names what the fields belong to, for a child row."""
    changes = []
    for name in names:
        attname = model_field(model, name).attname
        after = getattr(new, attname)
        before = getattr(old, attname) if old is not None else None
        if before == after or (old is None and after in (None, "")):
            continue
        label = str(model_field(model, name).verbose_name)
        changes.append(
            FieldChange(
                child_label(item, label) if item else label,
                shown(model, name, before) if old is not None else "–",
                shown(model, name, after),
            )
        )
    return changes


def child_label(item: str, field: str) -> str:
    """The label of a field of a row that belongs to the object (a sub-goal's count)."""
    return _("%(item)s: %(field)s") % {"item": item, "field": field}


@dataclass(eq=False)
class EditConflict(Exception):
    """Someone saved the object after the editor opened it, or the form did not say which
    version it was opened at. Nothing was written."""

    stored: Any
    #: What the other person changed; with ``base_known`` False, what is stored now.
    changes: list[FieldChange]
    changed_by: User | None
    changed_at: datetime | None
    #: The form named a version that the history holds.
    base_known: bool = True


@dataclass
class Versions:
    """The history records a conflict is told from."""

    #: The record of the version the editor opened (None: not known).
    opened: Any
    #: The newest record: who saved last, and when.
    latest: Any
    #: The last moment of the opened version: rows that belong to the object (sub-goals,
    #: outcomes) as they were then are what the editor saw.
    opened_until: datetime | None


def versions(stored: Any, expected_version: int | None) -> Versions:
    history = stored.history.select_related("history_user")
    latest = history.order_by("-history_date", "-history_id").first()
    opened = until = None
    if expected_version is not None:
        opened = (
            history.filter(version=expected_version)
            .order_by("-history_date", "-history_id")
            .first()
        )
        following = (
            history.filter(version__gt=expected_version)
            .order_by("history_date", "history_id")
            .first()
        )
        if opened is not None and following is not None:
            until = following.history_date - timedelta(microseconds=1)
    return Versions(opened, latest, until)


def conflict_details(
    stored: Any, expected_version: int | None, names: Iterable[str]
) -> dict[str, Any]:
    """The fields of an EditConflict on an object without rows of its own: the named
    fields that changed since ``expected_version`` (all that are filled, if not known)."""
    found = versions(stored, expected_version)
    return {
        "stored": stored,
        "changes": field_changes(type(stored), found.opened, stored, names),
        "changed_by": found.latest.history_user if found.latest else None,
        "changed_at": found.latest.history_date if found.latest else None,
        "base_known": found.opened is not None,
    }


def newest_by(key: str, *histories: QuerySet) -> dict[Any, datetime]:
    """The newest history date per ``key`` (a field every history queryset can group on,
    such as ``strategy_id``) over several history tables: one grouped query per table, so
    the cost does not grow with the number of keys."""
    newest: dict[Any, datetime] = {}
    for history in histories:
        for row in history.order_by().values(key).annotate(at=Max("history_date")):
            at = row["at"]
            if row[key] not in newest or at > newest[row[key]]:
                newest[row[key]] = at
    return newest


def oldest_by(key: str, history: QuerySet) -> dict[Any, datetime]:
    """The oldest history date per ``key`` in one history table, in one query."""
    rows = history.order_by().values(key).annotate(at=Min("history_date"))
    return {row[key]: row["at"] for row in rows}
