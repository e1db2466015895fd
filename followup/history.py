"""What changed in an activity report since an editor opened its form: its own fields, and
the sub-goal counts, budget outcomes and indicator values the form also holds
(``portal.history`` tells the version apart)."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.utils import timezone

from followup import selectors
from followup.models import ActivityReport, BudgetOutcome, IndicatorValue, SubGoalOutcome
from portal.history import FieldChange, child_label, field_changes, shown, versions
from portal.models import model_field

#: The report's own fields that its page shows.
REPORT_FIELDS = (
    "state",
    "status",
    "traffic_light",
    "traffic_light_comment",
    "progress",
    "work_done",
    "realised_benefits",
)


def report_conflict_details(stored: ActivityReport, expected_version: int | None) -> dict:
    """The fields of a ReportConflict: what changed since ``expected_version`` (what is
    stored now, if that version is not known)."""
    found = versions(stored, expected_version)
    since = (found.opened_until or timezone.now()) if found.opened else None
    return {
        "stored": stored,
        "changes": field_changes(ActivityReport, found.opened, stored, REPORT_FIELDS)
        + _row_changes(stored, since),
        "changed_by": found.latest.history_user if found.latest else None,
        "changed_at": found.latest.history_date if found.latest else None,
        "base_known": found.opened is not None,
    }


def _rows(model: type[Model], since: datetime | None, key: str, **filters) -> dict[Any, Any]:
    if since is None:
        return {}
    history = model.history  # type: ignore[attr-defined]  # simple-history
    return {getattr(row, key): row for row in history.as_of(since).filter(**filters)}


def _row_changes(report: ActivityReport, since: datetime | None) -> list[FieldChange]:
    """The form's rows, from how they stood at ``since`` (None: not known) to now."""
    activity = report.activity
    year = report.round.year
    sub_goals = {s.pk: s.title for s in activity.sub_goals.all()}
    lines = {line.pk: line.label for line in activity.budget_lines.filter(year=year)}
    indicators = list(selectors.report_indicators(activity))

    changes = _compare(
        SubGoalOutcome,
        _rows(SubGoalOutcome, since, "sub_goal_id", report_id=report.pk),
        {o.sub_goal_id: o for o in report.outcomes.all()},
        ("performed_count", "comment"),
        lambda pk: sub_goals.get(pk, ""),
    )
    changes += _compare(
        BudgetOutcome,
        _rows(BudgetOutcome, since, "budget_line_id", report_id=report.pk),
        {o.budget_line_id: o for o in report.budget_outcomes.all()},
        ("amount",),
        lambda pk: lines.get(pk, ""),
    )
    # The values the form shows: the overall one, or the lead organisation's where the
    # indicator is kept per organisation.
    for indicator in indicators:
        organisation = activity.lead_organisation_id if indicator.per_organisation else None
        filters = {"indicator_id": indicator.pk, "year": year, "organisation_id": organisation}
        changes += _compare(
            IndicatorValue,
            _rows(IndicatorValue, since, "indicator_id", **filters),
            {v.indicator_id: v for v in IndicatorValue.objects.filter(**filters)},
            ("value", "comment"),
            _named(indicator.title),
        )
    return changes


def _named(title: str) -> Callable[[Any], str]:
    return lambda _key: title


def _compare(
    model: type[Model],
    then: dict[Any, Any],
    now: dict[Any, Any],
    names: Iterable[str],
    item: Callable[[Any], str],
) -> list[FieldChange]:
    changes = []
    for key in sorted(then.keys() | now.keys()):
        old, new = then.get(key), now.get(key)
        if new is None:  # removed (a budget outcome cleared)
            changes += [
                FieldChange(
                    child_label(item(key), str(model_field(model, name).verbose_name)),
                    shown(model, name, getattr(old, name)),
                    "–",
                )
                for name in names
                if getattr(old, name) not in (None, "")
            ]
        else:
            changes += field_changes(model, old, new, names, item=item(key))
    return changes
