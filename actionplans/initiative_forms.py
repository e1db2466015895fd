"""Forms of the initiative intake: submitting, assigning, scoring and deciding."""

from django import forms
from django.utils.translation import gettext_lazy as _

from actionplans.models import Activity, Initiative
from portal import limits
from portal.forms import ModelMultipleChoiceField, choice_fields
from portal.models import Meeting, User
from strategy.models import CollaborationArea, FocusArea, Strategy

SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


def intake_strategies():
    """Strategies that have bodies to prepare and decide on initiatives."""
    return Strategy.objects.filter(governing_bodies__isnull=False).distinct().order_by("title")


class InitiativeForm(forms.Form):
    strategy = forms.ModelChoiceField(label=_("Strategy"), queryset=Strategy.objects.none())
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
    problem = forms.CharField(
        label=_("Problem or need"),
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is the problem today, and for whom?"),
    )
    expected_benefit = forms.CharField(
        label=_("Expected benefit"),
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What would be better, for residents, staff or organisations?"),
    )
    focus_areas = ModelMultipleChoiceField(
        label=_("Affected focus areas"),
        queryset=FocusArea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    proposed_kind = forms.ChoiceField(
        label=_("Proposed kind"), choices=Activity.Kind.choices, initial=Activity.Kind.PRESTUDY
    )
    rough_cost = forms.DecimalField(
        label=_("Rough cost (SEK)"), min_value=0, max_digits=14, decimal_places=0, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        strategies = intake_strategies()
        choice_fields(self)["strategy"].queryset = strategies
        if len(strategies) == 1:
            self.initial.setdefault("strategy", strategies[0].pk)
        choice_fields(self)["focus_areas"].queryset = (
            FocusArea.objects.filter(strategy__in=strategies)
            .select_related("strategy")
            .order_by("strategy__title", "order")
        )
        if len(strategies) > 1:
            choice_fields(self)["focus_areas"].label_from_instance = lambda area: (
                f"{area.strategy.title}: {area.title}"
            )


class AssignForm(forms.Form):
    preparer = forms.ModelChoiceField(label=_("Preparer"), queryset=User.objects.none())

    def __init__(self, *args, preparers, **kwargs):
        super().__init__(*args, **kwargs)
        choice_fields(self)["preparer"].queryset = preparers
        choice_fields(self)["preparer"].label_from_instance = lambda u: (
            u.get_full_name() or u.username
        )


class ScoreForm(forms.Form):
    score_fit = forms.TypedChoiceField(
        label=_("Strategic fit"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    score_benefit = forms.TypedChoiceField(
        label=_("Benefit"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    score_cost = forms.TypedChoiceField(
        label=_("Cost (5: low cost for what it gives)"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    score_risk = forms.TypedChoiceField(
        label=_("Risk (5: low risk)"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    score_readiness = forms.TypedChoiceField(
        label=_("Readiness"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    analysis = forms.CharField(
        label=_("Analysis"), max_length=limits.TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Initiative.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=limits.TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    meeting = forms.ModelChoiceField(
        label=_("Taken at the meeting"), queryset=Meeting.objects.none(), required=False
    )
    year = forms.IntegerField(
        label=_("Into the plan for the year"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("For a prioritised initiative; the year's draft plan is started if needed."),
    )
    collaboration_area = forms.ModelChoiceField(
        label=_("Collaboration area of the activity"),
        queryset=CollaborationArea.objects.none(),
        required=False,
    )

    def __init__(self, *args, initiative: Initiative, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        choice_fields(self)["meeting"].queryset = meetings
        choice_fields(self)["meeting"].label_from_instance = lambda m: (
            f"{m.starts_at:%Y-%m-%d} {m.title}"
        )
        choice_fields(self)["collaboration_area"].queryset = CollaborationArea.objects.filter(
            strategy_id=initiative.strategy_id
        ).order_by("order")


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=limits.COMMENT, widget=forms.Textarea(attrs={"rows": 3})
    )


class AgendaForm(forms.Form):
    prefix = "agenda"
    meeting = forms.ModelChoiceField(
        label=_("The steering group's meeting"), queryset=Meeting.objects.none()
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        choice_fields(self)["meeting"].queryset = meetings
        choice_fields(self)["meeting"].label_from_instance = lambda m: (
            f"{m.starts_at:%Y-%m-%d} {m.title}"
        )
