"""The forms of a strategy's indicators: the indicator itself, its yearly targets and its
link to a Kolada KPI. The services validate across fields and save."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import limits
from strategy.models import Indicator
from strategy.selectors import IndicatorChoices
from strategy.services import FIRST_YEAR, LAST_YEAR, IndicatorInput


def _value_field(label: Any, initial: Decimal | None = None) -> forms.DecimalField:
    """A figure as IndicatorTarget.value holds it; empty for none."""
    return forms.DecimalField(
        label=label, initial=initial, max_digits=14, decimal_places=2, required=False
    )


def _short(text: str, length: int = 120) -> str:
    """An effect goal's title (a sentence or more) as a choice."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class IndicatorForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
    # The choices are the selector's (strategy.selectors.indicator_choices): the form reads
    # nothing itself.
    focus_area = forms.TypedChoiceField(
        label=_("Focus area"), coerce=int, empty_value=None, required=False
    )
    effect_goal = forms.TypedChoiceField(
        label=_("Effect goal"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Set the indicator on a focus area, an effect goal or both."),
    )
    unit = forms.CharField(
        label=_("Unit"),
        max_length=50,
        required=False,
        help_text=_("Such as percent, kronor or number."),
    )
    direction = forms.ChoiceField(label=_("Desired direction"), choices=Indicator.Direction.choices)
    per_organisation = forms.BooleanField(
        label=_("Reported per organisation"),
        required=False,
        help_text=_("Each organisation gives its own value; the report shows their mean."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=limits.TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, choices: IndicatorChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self._focus_areas = {a.pk: a for a in choices.focus_areas}
        self._effect_goals = {g.pk: g for g in choices.effect_goals}
        self.fields["focus_area"].choices = [  # type: ignore[attr-defined]
            ("", "–"),
            *((a.pk, a.title) for a in choices.focus_areas),
        ]
        self.fields["effect_goal"].choices = [  # type: ignore[attr-defined]
            ("", "–"),
            *((g.pk, _short(g.title)) for g in choices.effect_goals),
        ]

    @staticmethod
    def initial_for(indicator: Indicator) -> dict:
        return {
            "title": indicator.title,
            "focus_area": indicator.focus_area_id,
            "effect_goal": indicator.effect_goal_id,
            "unit": indicator.unit,
            "direction": indicator.direction,
            "per_organisation": indicator.per_organisation,
            "description": indicator.description,
        }

    def to_input(self) -> IndicatorInput:
        data = self.cleaned_data
        return IndicatorInput(
            title=data["title"],
            unit=data["unit"],
            description=data["description"],
            direction=data["direction"],
            per_organisation=data["per_organisation"],
            focus_area=self._focus_areas.get(data["focus_area"]),
            effect_goal=self._effect_goals.get(data["effect_goal"]),
        )


class TargetsForm(forms.Form):
    """One field per year offered, and one more for another year."""

    other_year = forms.IntegerField(
        label=_("Another year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )
    other_value = _value_field(_("Its target"))

    def __init__(self, *args, years: list[int], targets: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"target_{year}"] = _value_field(str(year), targets.get(year))

    def rows(self) -> list[tuple[int, forms.BoundField]]:
        return [(year, self[f"target_{year}"]) for year in self.years]

    def clean(self):
        data = super().clean()
        if data.get("other_value") is not None and data.get("other_year") is None:
            self.add_error("other_year", _("Give the year of the target."))
        return data

    def targets(self) -> dict[int, Decimal | None]:
        """Year → target (None: no target that year)."""
        data = self.cleaned_data
        targets: dict[int, Decimal | None] = {year: data[f"target_{year}"] for year in self.years}
        if data.get("other_year") is not None:
            targets[data["other_year"]] = data.get("other_value")
        return targets


class KoladaLinkForm(forms.Form):
    kpi = forms.CharField(
        label=_("Kolada KPI"),
        max_length=6,
        required=False,
        help_text=_(
            "Such as N07918 (households with access to broadband of at least 1 Gbit/s). "
            "Leave empty to enter the values yourself."
        ),
    )
