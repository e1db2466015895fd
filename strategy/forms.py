"""The forms of a strategy's indicators (the indicator itself, its yearly targets and its
link to a Kolada KPI) and of its editor. The services validate across fields and save."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from portal import limits
from portal.forms import DateField, ModelMultipleChoiceField, VersionField, choice_fields
from portal.models import Meeting, Organisation
from strategy.models import ConsultationAnswer, FocusArea, Indicator, Strategy, TreeNode
from strategy.selectors import CompilationPart, IndicatorChoices
from strategy.services import FIRST_YEAR, LAST_YEAR, IndicatorInput
from strategy.services.consultations import AnswerRow
from strategy.services.strategies import NewStrategy
from strategy.services.tree import StrategyFields


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


# --- The strategy editor ---------------------------------------------------------------------


def _year_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )


class StrategyFieldsForm(forms.Form):
    """The strategy's own fields in the editor, with the version it was opened at."""

    title = forms.CharField(label=_("Title"), max_length=300)
    period_start = _year_field(_("From year"))
    period_end = _year_field(_("To year"))
    vision = forms.CharField(
        label=_("Vision"),
        max_length=limits.TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=limits.TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = VersionField()

    @staticmethod
    def initial_for(strategy: Strategy) -> dict[str, Any]:
        names = ("title", "period_start", "period_end", "vision", "summary", "version")
        return {name: getattr(strategy, name) for name in names}

    def to_input(self, strategy: Strategy) -> StrategyFields:
        data = self.cleaned_data
        return StrategyFields(
            title=data["title"],
            vision=data["vision"],
            summary=data["summary"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            # Not in the editor yet: kept as they are.
            preparation_process=strategy.preparation_process,
            follow_up=strategy.follow_up,
        )


class NewStrategyForm(forms.Form):
    """A new strategy, started from one the user coordinates: a copy of its tree or empty
    (with its owner and governing bodies)."""

    COPY, EMPTY = "copy", "empty"

    source = forms.TypedChoiceField(label=_("Start from"), coerce=int)
    start = forms.ChoiceField(
        label=_("Content"),
        choices=[
            (COPY, _("A copy of its whole tree, to change")),
            (EMPTY, _("Empty: only its owner and governing bodies")),
        ],
        initial=COPY,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=200,
        help_text=_("The last part of the strategy's web address, such as orebro-lan-2027-2030."),
    )
    period_start = _year_field(_("From year"))
    period_end = _year_field(_("To year"))

    def __init__(self, *args, sources: list[Strategy], **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = {s.pk: s for s in sources}
        self.fields["source"].choices = [(s.pk, s.title) for s in sources]  # type: ignore[attr-defined]

    def to_input(self) -> tuple[Strategy, bool, NewStrategy]:
        data = self.cleaned_data
        new = NewStrategy(data["title"], data["slug"], data["period_start"], data["period_end"])
        return self.sources[data["source"]], data["start"] == self.COPY, new


def node_form_class(node: TreeNode) -> type["_NodeForm"]:
    """The form of one kind of row in the editor: its fields, and the version it was opened
    at (only an edit sends one)."""
    widgets: dict[str, type[forms.Widget] | forms.Widget] = {
        name: forms.Textarea(attrs={"rows": 3})
        for name in node.fields
        if isinstance(node.model._meta.get_field(name), models.TextField)
    }
    return forms.modelform_factory(  # type: ignore[return-value]
        node.model,
        form=_NodeForm,
        fields=node.fields,
        widgets=widgets,
    )


class _NodeForm(forms.ModelForm):
    version = VersionField()

    def __init__(self, *args, focus_areas: list[FocusArea], **kwargs):
        super().__init__(*args, **kwargs)
        if "focus_area" in self.fields:
            # The choices from the tree the page has read already: none read while the page
            # renders; a posted choice is checked against the strategy's.
            field = self.fields["focus_area"]
            field.queryset = FocusArea.objects.filter(pk__in=[a.pk for a in focus_areas])  # type: ignore[attr-defined]
            field.choices = [("", "---------"), *((a.pk, a.title) for a in focus_areas)]  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields}  # type: ignore[union-attr]


class DecisionForm(forms.Form):
    """The steering group's decision: at which of its meetings (with the strategy on the
    agenda) it was taken."""

    meeting = forms.ModelChoiceField(
        label=_("Decided at the meeting"), queryset=Meeting.objects.none(), empty_label=None
    )

    def __init__(self, *args, meetings: models.QuerySet[Meeting], **kwargs):
        super().__init__(*args, **kwargs)
        choice_fields(self)["meeting"].queryset = meetings
        choice_fields(self)["meeting"].label_from_instance = lambda m: (
            f"{localtime(m.starts_at):%Y-%m-%d} {m.title}"
        )


# --- Consultation (remiss) ------------------------------------------------------------------


class ConsultationSendForm(forms.Form):
    organisations = ModelMultipleChoiceField(
        label=_("Organisations asked"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their contacts get the draft by e-mail and answer on their page."),
    )
    deadline = DateField(
        label=_("Last day to answer"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reminder_days = forms.IntegerField(
        label=_("Reminder, days before the last day"),
        min_value=0,
        max_value=limits.REMINDER_DAYS_MAX,
        initial=7,
    )
    text = forms.CharField(
        label=_("Message to the organisations"),
        max_length=limits.TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_fields(self)["organisations"].queryset = Organisation.objects.filter(
            collaborates=True
        ).order_by("name")


class ConsultationAnswerForm(forms.Form):
    """One organisation's answer: on the whole and per focus area and direction, a stance
    and a comment (a part left unanswered stays so)."""

    version = VersionField()

    def __init__(self, *args, parts: list[CompilationPart], current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts = parts
        choices = [("", _("No answer")), *ConsultationAnswer.Stance.choices]
        for part in parts:
            answer = current.get(part.key)
            self.fields[f"{part.key}-stance"] = forms.ChoiceField(
                label=_("Answer"),
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=answer.stance if answer else "",
            )
            self.fields[f"{part.key}-comment"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=limits.COMMENT,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.comment if answer else "",
            )

    def groups(self):
        return [
            (part, [self[f"{part.key}-stance"], self[f"{part.key}-comment"]]) for part in self.parts
        ]

    def rows(self) -> list[AnswerRow]:
        return [
            AnswerRow(
                part=None if part.level == 0 else part.row,  # type: ignore[arg-type]
                stance=self.cleaned_data[f"{part.key}-stance"],
                comment=self.cleaned_data[f"{part.key}-comment"],
            )
            for part in self.parts
        ]


class ConsultationNoteForm(forms.Form):
    handling = forms.CharField(
        label=_("How the answer was handled"),
        max_length=limits.COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = VersionField()
