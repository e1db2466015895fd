"""Writes that belong to a strategy: its steering group's decisions, for the apps above
it, and its indicators with their yearly targets and their link to Kolada."""

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import translation
from django.utils.timezone import localdate
from django.utils.translation import gettext as _

from portal import limits
from portal.dates import today
from portal.models import Body, Decision, Meeting, User
from portal.services import decision_record
from strategy.access import StrategyAccess
from strategy.models import EffectGoal, FocusArea, Indicator, IndicatorTarget, Strategy

KOLADA_KPI = re.compile(r"^[NU]\d{5}$")


def steering_group_decision_record(
    *,
    strategy: Strategy,
    title: Callable[[], str],
    user: User,
    subject: models.Model,
    subject_url: str,
    text: str = "",
    meeting: Meeting | None = None,
    decided_on: date | None = None,
) -> Decision | None:
    """Enter a decision of the strategy's programme steering group in its register, as the
    workflow takes it (a plan approved, an initiative decided, a follow-up approved), so that
    nobody retypes it. Returns None for a strategy without a steering group.

    ``title`` is called in Swedish, the language the register is kept in, whatever the
    language of the person who decided.
    """
    body = strategy.governing_bodies.filter(kind=Body.Kind.STEERING_GROUP).first()
    if body is None:
        return None
    with translation.override("sv"):
        entry_title = title()
    return decision_record(
        body=body,
        title=entry_title,
        # A meeting at 23:30 UTC on 31 December is held on 1 January in Sweden.
        decided_on=decided_on or (localdate(meeting.starts_at) if meeting else today()),
        user=user,
        subject=subject,
        subject_url=subject_url,
        meeting=meeting,
        text=text,
    )


# --- Indicators ------------------------------------------------------------------------------

#: The years an indicator's targets and values may be given for.
FIRST_YEAR = limits.FIRST_YEAR
LAST_YEAR = limits.LAST_YEAR


@dataclass
class IndicatorInput:
    title: str
    unit: str = ""
    description: str = ""
    direction: str = Indicator.Direction.INCREASE
    per_organisation: bool = False
    focus_area: FocusArea | None = None
    effect_goal: EffectGoal | None = None


def _refuse_unless_coordinator(access: StrategyAccess) -> None:
    if not access.can_manage_indicators:
        raise PermissionDenied("Only the strategy's coordinators manage its indicators.")


def _checked(strategy: Strategy, data: IndicatorInput) -> IndicatorInput:
    """The input with its focus area taken from the effect goal where it names none."""
    if not data.title.strip():
        raise ValidationError({"title": _("Give the indicator a title.")})
    if data.focus_area is not None and data.focus_area.strategy_id != strategy.pk:
        raise ValidationError({"focus_area": _("The focus area is not one of the strategy's.")})
    if data.effect_goal is not None and data.effect_goal.strategy_id != strategy.pk:
        raise ValidationError({"effect_goal": _("The effect goal is not one of the strategy's.")})
    if data.focus_area is None and data.effect_goal is None:
        raise ValidationError(_("Set the indicator on a focus area or an effect goal."))
    focus_area = data.focus_area
    if data.effect_goal is not None and data.effect_goal.focus_area_id is not None:
        if focus_area is None:
            focus_area = data.effect_goal.focus_area
        elif data.effect_goal.focus_area_id != focus_area.pk:
            raise ValidationError(
                {"effect_goal": _("The effect goal belongs to another focus area.")}
            )
    if data.direction not in Indicator.Direction.values:
        raise ValidationError({"direction": _("Choose whether higher or lower is better.")})
    return replace(
        data,
        title=data.title.strip(),
        unit=data.unit.strip(),
        description=data.description.strip(),
        focus_area=focus_area,
    )


def _values(data: IndicatorInput) -> dict:
    """The input's fields as they are (dataclasses.asdict would copy the model instances)."""
    return {f.name: getattr(data, f.name) for f in fields(data)}


@transaction.atomic
def indicator_create(
    *, strategy: Strategy, data: IndicatorInput, user: User, access: StrategyAccess
) -> Indicator:
    _refuse_unless_coordinator(access)
    data = _checked(strategy, data)
    # Lock the strategy, so that two indicators made at once do not share an order.
    Strategy.objects.select_for_update().get(pk=strategy.pk)
    last = Indicator.objects.filter(strategy=strategy).aggregate(last=Max("order"))["last"]
    indicator = Indicator(strategy=strategy, order=(last or 0) + 1, **_values(data))
    # full_clean leaves out a TextField's max_length.
    limits.check_lengths(indicator)
    indicator.full_clean()
    indicator._history_user = user
    indicator.save()
    return indicator


@transaction.atomic
def indicator_update(
    *, indicator: Indicator, data: IndicatorInput, user: User, access: StrategyAccess
) -> Indicator:
    _refuse_unless_coordinator(access)
    data = _checked(indicator.strategy, data)
    stored = Indicator.objects.select_for_update().get(pk=indicator.pk)
    changed = [name for name, value in _values(data).items() if getattr(stored, name) != value]
    if changed:
        for name in changed:
            setattr(stored, name, getattr(data, name))
        limits.check_lengths(stored)
        stored.full_clean()
        stored._history_user = user
        stored.save()
    return stored


def _checked_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("Give a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )


@transaction.atomic
def indicator_targets_set(
    *,
    indicator: Indicator,
    targets: dict[int, Decimal | None],
    user: User,
    access: StrategyAccess,
) -> int:
    """Set the yearly targets given (None removes a year's target); years not given keep
    theirs. Returns how many targets changed."""
    _refuse_unless_coordinator(access)
    for year in targets:
        _checked_year(year)
    Indicator.objects.select_for_update().get(pk=indicator.pk)
    stored = {t.year: t for t in IndicatorTarget.objects.filter(indicator=indicator)}
    changes = 0
    for year, value in sorted(targets.items()):
        target = stored.get(year)
        if value is None:
            if target is not None:
                target._history_user = user
                target.delete()
                changes += 1
            continue
        if target is None:
            target = IndicatorTarget(indicator=indicator, year=year)
        elif target.value == value:
            continue
        target.value = value
        target.full_clean()
        target._history_user = user
        target.save()
        changes += 1
    return changes


@transaction.atomic
def indicator_kolada_link(
    *, indicator: Indicator, kpi: str, user: User, access: StrategyAccess
) -> bool:
    """Link the indicator to a Kolada KPI ("" unlinks it). Returns whether the KPI changed;
    the view then queues a first fetch (followup.tasks.kolada_fetch_indicator)."""
    _refuse_unless_coordinator(access)
    kpi = kpi.strip().upper()
    if kpi and not KOLADA_KPI.match(kpi):
        raise ValidationError({"kpi": _("A Kolada KPI is N or U and five digits, such as N07918.")})
    stored = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if stored.kolada_kpi == kpi:
        return False
    stored.kolada_kpi = kpi
    stored.kolada_error = ""
    stored._history_user = user
    stored.save()
    return True
