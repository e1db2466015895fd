"""Forms of the plan workspace. Each names the fields a user may set; the plan, the order,
the version and the removal mark are set by the services only."""

from typing import TYPE_CHECKING, TypeVar

from django import forms
from django.db.models import Model, Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from actionplans.access import PlanAccess
from actionplans.models import ActionPlan, Activity, BudgetLine, Participation, Risk, SubGoal
from actionplans.models.activities import CHILD_FIELDS
from actionplans.selectors.carry_over import MappingRow
from actionplans.services.offers import AnswerRow
from portal import limits
from portal.forms import DateField, ModelMultipleChoiceField, VersionField, choice_fields
from portal.models import Organisation, User
from strategy.models import (
    CollaborationArea,
    EffectGoal,
    FocusArea,
    Perspective,
    StrategicDirection,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActivityForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Activity
        fields = [
            "title",
            "description",
            "kind",
            "status",
            "collaboration_area",
            "lead_organisation",
            "contact",
            "start_date",
            "end_date",
            "focus_areas",
            "directions",
            "effect_goals",
            "perspectives",
            "expected_benefits",
            "weight",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_benefits": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "focus_areas": forms.CheckboxSelectMultiple,
            "directions": forms.CheckboxSelectMultiple,
            "effect_goals": forms.CheckboxSelectMultiple,
            "perspectives": forms.CheckboxSelectMultiple,
        }
        field_classes = {
            "start_date": DateField,
            "end_date": DateField,
            **dict.fromkeys(
                ("focus_areas", "directions", "effect_goals", "perspectives"),
                ModelMultipleChoiceField,
            ),
        }

    def __init__(self, *args, plan: ActionPlan, access: PlanAccess, **kwargs):
        super().__init__(*args, **kwargs)
        strategy_id = plan.strategy_id
        areas = CollaborationArea.objects.filter(strategy_id=strategy_id).order_by("order")
        if not access.can_edit_plan:
            # A lead places activities only in the areas they lead.
            areas = areas.filter(pk__in=access.area_ids)
        fields = choice_fields(self)
        fields["collaboration_area"].queryset = areas
        fields["focus_areas"].queryset = FocusArea.objects.filter(strategy_id=strategy_id)
        fields["directions"].queryset = StrategicDirection.objects.filter(
            focus_area__strategy_id=strategy_id
        ).select_related("focus_area")
        fields["directions"].label_from_instance = lambda d: f"{d.focus_area.title}: {d.title}"
        fields["effect_goals"].queryset = EffectGoal.objects.filter(
            Q(strategy_id=strategy_id) | Q(focus_area__strategy_id=strategy_id)
        )
        fields["perspectives"].queryset = Perspective.objects.filter(strategy_id=strategy_id)
        fields["lead_organisation"].queryset = Organisation.objects.order_by("name")
        fields["contact"].queryset = User.objects.filter(is_active=True).order_by(
            "first_name", "last_name", "username"
        )
        fields["contact"].label_from_instance = _contact_label
        # An edit that leaves the weight out (an older form, a spreadsheet) keeps it as is.
        fields["weight"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self.instance.plan = plan

    ABOUT_FIELDS = (
        "title",
        "description",
        "kind",
        "status",
        "collaboration_area",
        "lead_organisation",
        "contact",
        "start_date",
        "end_date",
        "expected_benefits",
        "weight",
    )
    LINK_FIELDS = ("focus_areas", "directions", "effect_goals", "perspectives")

    def about_fields(self):
        return [self[name] for name in self.ABOUT_FIELDS]

    def link_fields(self):
        return [self[name] for name in self.LINK_FIELDS]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end must not be before the start."))
        if cleaned.get("weight") is None:
            cleaned["weight"] = self.instance.weight if self.instance.pk else 1
        return cleaned


def _contact_label(user: User) -> str:
    name = user.get_full_name() or user.username
    return f"{name} ({user.organisation})" if user.organisation_id else name


if TYPE_CHECKING:  # Django's forms are not generic at run time
    _Child = TypeVar("_Child", bound=Model)
    #: The formset class of an activity's sub-goals, budget lines or risks.
    ChildFormSet = type[BaseInlineFormSet[_Child, Activity, forms.ModelForm[_Child]]]

SubGoalFormSet: "ChildFormSet[SubGoal]" = inlineformset_factory(
    Activity,
    SubGoal,
    fields=CHILD_FIELDS[SubGoal],
    widgets={
        "title": forms.Textarea(attrs={"rows": 2}),
        "steps": forms.Textarea(attrs={"rows": 2}),
    },
    extra=1,
    can_delete=True,
)

BudgetLineFormSet: "ChildFormSet[BudgetLine]" = inlineformset_factory(
    Activity,
    BudgetLine,
    fields=CHILD_FIELDS[BudgetLine],
    extra=1,
    can_delete=True,
)

RiskFormSet: "ChildFormSet[Risk]" = inlineformset_factory(
    Activity,
    Risk,
    fields=CHILD_FIELDS[Risk],
    widgets={
        "description": forms.Textarea(attrs={"rows": 2}),
        "mitigation": forms.Textarea(attrs={"rows": 2}),
    },
    extra=1,
    can_delete=True,
)

FORMSETS = (("sub_goals", SubGoalFormSet), ("budget", BudgetLineFormSet), ("risks", RiskFormSet))


def activity_forms(
    *, plan: ActionPlan, access: PlanAccess, instance: Activity | None, data=None
) -> tuple[ActivityForm, list]:
    instance = instance or Activity(plan=plan)
    form = ActivityForm(data, instance=instance, plan=plan, access=access)
    formsets = [
        formset_class(data, instance=instance, prefix=prefix) for prefix, formset_class in FORMSETS
    ]
    return form, formsets


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=limits.COMMENT
    )


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.COMMENT,
        required=False,
    )


class RolloverForm(forms.Form):
    title = forms.CharField(label=_("Title of the new plan"), max_length=limits.TITLE)
    activities = ModelMultipleChoiceField(
        label=_("Activities that continue"),
        queryset=Activity.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        choice_fields(self)["activities"].queryset = plan.activities.filter(
            removed_at__isnull=True
        ).order_by("collaboration_area__order", "order", "pk")
        choice_fields(self)["activities"].label_from_instance = lambda a: (
            f"{a.title} ({a.get_status_display().lower()})"
        )
        if not self.is_bound:
            self.initial["title"] = plan.title.replace(str(plan.year), str(plan.year + 1))
            # What is not done continues by default.
            self.initial["activities"] = [
                a.pk
                for a in choice_fields(self)["activities"].queryset
                if a.status not in (Activity.Status.DONE, Activity.Status.CANCELLED)
            ]


class OfferForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
    text = forms.CharField(
        label=_("Text to the organisations"),
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    deadline = DateField(label=_("Answer by"), widget=DateInput())
    reminder_days = forms.IntegerField(
        label=_("Reminder, days before the deadline"),
        min_value=0,
        max_value=limits.REMINDER_DAYS_MAX,
        initial=7,
    )
    activities = ModelMultipleChoiceField(
        label=_("Activities offered"),
        queryset=Activity.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("By default every collaborating organisation."),
    )

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        choice_fields(self)["activities"].queryset = plan.activities.filter(
            removed_at__isnull=True
        ).order_by("collaboration_area__order", "order", "pk")
        collaborating = Organisation.objects.filter(collaborates=True).order_by("name")
        choice_fields(self)["organisations"].queryset = collaborating
        if not self.is_bound:
            self.initial.setdefault(
                "title", _("Offer to take part in %(plan)s") % {"plan": plan.title}
            )
            self.initial["organisations"] = list(collaborating.values_list("pk", flat=True))


class AnswerForm(forms.Form):
    """One organisation's answers: per activity the answer, a contact person, a comment."""

    def __init__(self, *args, activities, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = activities
        choices = [("", _("Not answered yet")), *Participation.Answer.choices]
        for activity in activities:
            answer = current.get(activity.pk)
            prefix = f"a{activity.pk}"
            self.fields[f"{prefix}-answer"] = forms.ChoiceField(
                label=_("Answer"),
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=answer.answer if answer else "",
            )
            self.fields[f"{prefix}-contact"] = forms.CharField(
                label=_("Contact person"),
                max_length=200,
                required=False,
                initial=answer.contact_person if answer else "",
            )
            self.fields[f"{prefix}-comment"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=limits.COMMENT,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.comment if answer else "",
            )

    def groups(self):
        return [
            (
                activity,
                [self[f"a{activity.pk}-{name}"] for name in ("answer", "contact", "comment")],
            )
            for activity in self.activities
        ]

    def rows(self) -> list[AnswerRow]:
        return [
            AnswerRow(
                activity=activity,
                answer=self.cleaned_data[f"a{activity.pk}-answer"],
                contact_person=self.cleaned_data[f"a{activity.pk}-contact"],
                comment=self.cleaned_data[f"a{activity.pk}-comment"],
            )
            for activity in self.activities
        ]


class CarryOverForm(RolloverForm):
    """Next year's plan in the strategy that follows: the continuing activities, and per
    node of the old tree the node of the new tree its links go to (the suggestion chosen)."""

    def __init__(self, *args, plan: ActionPlan, rows: list[MappingRow], **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        self.rows = rows
        for row in rows:
            empty = [] if row.kind.required else [("", _("No link"))]
            self.fields[row.field_name] = forms.TypedChoiceField(
                label=row.label,
                choices=[
                    *empty,
                    *((str(n.pk), str(getattr(n, row.kind.label_field))) for n in row.choices),
                ],
                coerce=int,
                empty_value=None,
                required=row.kind.required,
                initial=row.suggestion.pk if row.suggestion is not None else None,
            )

    def mapping_rows(self):
        """(row, its bound field) pairs, for the page's table."""
        return [(row, self[row.field_name]) for row in self.rows]

    def mapping(self) -> dict[str, dict[int, int | None]]:
        mapping: dict[str, dict[int, int | None]] = {}
        for row in self.rows:
            mapping.setdefault(row.kind.name, {})[row.old.pk] = self.cleaned_data[row.field_name]
        return mapping
