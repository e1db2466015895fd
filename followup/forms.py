"""Forms of follow-up: opening a round, an activity's report, the review of the PDF."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from actionplans.forms import DateInput
from actionplans.models import Activity, BudgetLine, SubGoal
from followup.models import ActivityReport, FollowUpRound, IndicatorValue
from followup.services.reports import ReportInput
from portal import limits
from portal.forms import (
    DateField,
    ModelMultipleChoiceField,
    VersionField,
    choice_fields,
)
from portal.models import Body, Organisation
from strategy.models import Indicator
from strategy.services import FIRST_YEAR, LAST_YEAR


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    term = forms.ChoiceField(label=_("Period"), choices=FollowUpRound.Term.choices, required=False)
    deadline = DateField(label=_("Last day to report"), widget=DateInput())
    reminder_days = forms.IntegerField(
        label=_("Remind this many days before the last day"),
        min_value=0,
        max_value=limits.REMINDER_DAYS_MAX,
        initial=7,
    )
    instructions = forms.CharField(
        label=_("Instructions to the leads"),
        max_length=limits.TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(forms.Form):
    """The report's own fields, then one row per sub-goal, budget line and indicator."""

    version = VersionField()
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", "—"), *Activity.Status.choices],
        required=False,
    )
    traffic_light = forms.ChoiceField(
        label=_("Traffic light"),
        choices=ActivityReport.TrafficLight.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Green: as planned. Yellow: deviations that are being handled. "
            "Red: the activity will not reach its goals without a decision."
        ),
    )
    traffic_light_comment = forms.CharField(
        label=_("Comment on the traffic light"),
        max_length=limits.COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a red light: what is wrong and what is being done."),
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"), min_value=0, max_value=limits.PROGRESS_MAX, required=False
    )
    work_done = forms.CharField(
        label=_("What was done"),
        max_length=limits.TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    realised_benefits = forms.CharField(
        label=_("Realised benefits"),
        max_length=limits.TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args,
        report: ActivityReport,
        sub_goals: list[SubGoal],
        budget_lines: list[BudgetLine],
        indicators: list[Indicator],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.sub_goals = sub_goals
        self.budget_lines = budget_lines
        self.indicators = indicators
        for sub_goal in sub_goals:
            self.fields[f"outcome_{sub_goal.pk}"] = forms.IntegerField(
                label=_("Performed"), min_value=0, max_value=limits.COUNT_MAX, required=False
            )
            self.fields[f"outcome_comment_{sub_goal.pk}"] = forms.CharField(
                label=_("Comment"), max_length=500, required=False
            )
        for line in budget_lines:
            self.fields[f"budget_{line.pk}"] = forms.DecimalField(
                label=_("Outcome (SEK)"),
                min_value=0,
                max_digits=14,
                decimal_places=0,
                required=False,
            )
        for indicator in indicators:
            self.fields[f"indicator_{indicator.pk}"] = forms.DecimalField(
                label=_("Value"), max_digits=14, decimal_places=2, required=False
            )
            self.fields[f"indicator_comment_{indicator.pk}"] = forms.CharField(
                label=_("Comment"), max_length=limits.COMMENT, required=False
            )

    def rows(self):
        """The sub-goal, budget and indicator rows with their bound fields, for the template."""
        return {
            "sub_goals": [
                (s, self[f"outcome_{s.pk}"], self[f"outcome_comment_{s.pk}"])
                for s in self.sub_goals
            ],
            "budget": [(line, self[f"budget_{line.pk}"]) for line in self.budget_lines],
            "indicators": [
                (i, self[f"indicator_{i.pk}"], self[f"indicator_comment_{i.pk}"])
                for i in self.indicators
            ],
        }

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            status=data["status"],
            traffic_light=data["traffic_light"],
            traffic_light_comment=data["traffic_light_comment"],
            progress=data["progress"],
            work_done=data["work_done"],
            realised_benefits=data["realised_benefits"],
            outcomes={
                s.pk: (data[f"outcome_{s.pk}"], data[f"outcome_comment_{s.pk}"])
                for s in self.sub_goals
            },
            budget={line.pk: data[f"budget_{line.pk}"] for line in self.budget_lines},
            indicators={
                i.pk: (data[f"indicator_{i.pk}"], data[f"indicator_comment_{i.pk}"])
                for i in self.indicators
            },
        )


def report_initial(
    report: ActivityReport,
    outcomes: dict[int, tuple[int | None, str]],
    budget: dict[int, Decimal],
    values: dict[int, IndicatorValue],
) -> dict:
    initial = {
        "version": report.version,
        "status": report.status,
        "traffic_light": report.traffic_light,
        "traffic_light_comment": report.traffic_light_comment,
        "progress": report.progress,
        "work_done": report.work_done,
        "realised_benefits": report.realised_benefits,
    }
    for sub_goal_id, (count, comment) in outcomes.items():
        initial[f"outcome_{sub_goal_id}"] = count
        initial[f"outcome_comment_{sub_goal_id}"] = comment
    for line_id, amount in budget.items():
        initial[f"budget_{line_id}"] = amount
    for indicator_id, value in values.items():
        initial[f"indicator_{indicator_id}"] = value.value
        initial[f"indicator_comment_{indicator_id}"] = value.comment
    return initial


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=limits.COMMENT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the report")), ("send_back", _("Send it back"))],
        widget=forms.RadioSelect,
    )
    recipients = ModelMultipleChoiceField(
        label=_("Send the approved report to"),
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=limits.COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the report is sent back: say what needs to change."),
    )

    prefix = "review"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_fields(self)["recipients"].queryset = Body.objects.order_by("name")
        self.initial.setdefault(
            "recipients",
            list(Body.objects.filter(kind=Body.Kind.NETWORK).values_list("pk", flat=True)),
        )


class IndicatorValueForm(forms.Form):
    """A value entered by hand: the year's, for the strategy as a whole or (for an indicator
    reported per organisation) for one organisation."""

    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Leave empty for the value of the strategy as a whole."),
    )
    value = forms.DecimalField(
        label=_("Value"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty to remove the year's value."),
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=limits.COMMENT)

    def __init__(self, *args, indicator: Indicator, organisations: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self._organisations = {o.pk: o for o in organisations}
        if indicator.per_organisation:
            self.fields["organisation"].choices = [  # type: ignore[attr-defined]
                ("", _("The strategy as a whole")),
                *((o.pk, o.name) for o in organisations),
            ]
        else:
            del self.fields["organisation"]

    def chosen_organisation(self) -> Organisation | None:
        return self._organisations.get(self.cleaned_data.get("organisation"))  # type: ignore[arg-type]
