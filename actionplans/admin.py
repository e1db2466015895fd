from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from actionplans.access import PlanAccess, plan_access
from actionplans.models import (
    ActionPlan,
    Activity,
    BudgetLine,
    Initiative,
    InitiativeEvent,
    Offer,
    OfferMail,
    OfferRecipient,
    Participation,
    PlanEvent,
    PlanImport,
    Risk,
    SubGoal,
)
from actionplans.services.permissions import access_sync, access_sync_for_body
from portal.admin import (
    BodyAdmin,
    EditedOnParentAdmin,
    LockedAdmin,
    LockedInline,
    MeetingAdmin,
    MembershipAdmin,
    ReadOnlyAdmin,
    VersionedAdmin,
)
from portal.models import Body, Meeting, Membership
from strategy.admin import StrategyAdmin
from strategy.models import Strategy


def _plan_access(request, plan: ActionPlan) -> PlanAccess:
    """The user's access to the plan, worked out once per request."""
    cache = request.__dict__.setdefault("_plan_access", {})
    if plan.pk not in cache:
        cache[plan.pk] = plan_access(request.user, plan)
    return cache[plan.pk]


class ActivityInline(admin.TabularInline):
    """The plan's activities, listed: each is changed on its own page, where the plan's
    lock, the area's lead and the activity's version are checked."""

    model = Activity
    extra = 0
    fields = ["order", "title", "kind", "collaboration_area", "status"]
    show_change_link = True

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "strategy", "year", "state"]
    list_filter = ["state", "year", "strategy"]
    search_fields = ["title", "introduction"]
    list_select_related = ["strategy"]
    inlines = [ActivityInline]
    # The state moves only through the workflow (the plan workspace), which records who
    # took each step; revisions are opened there too.
    readonly_fields = ["state", "revision", "revises"]


@admin.register(PlanEvent)
class PlanEventAdmin(ReadOnlyAdmin):
    """The timeline is a record: it can be read here, not changed."""

    list_display = ["plan", "kind", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["kind", "to_state"]
    list_select_related = ["plan", "actor"]
    search_fields = ["comment", "plan__title"]

    def has_delete_permission(self, request, obj=None):
        return False


class SubGoalInline(LockedInline):
    model = SubGoal
    extra = 0


class BudgetLineInline(LockedInline):
    model = BudgetLine
    extra = 0


class RiskInline(LockedInline):
    model = Risk
    extra = 0


@admin.register(Activity)
class ActivityAdmin(VersionedAdmin, LockedAdmin, SimpleHistoryAdmin):
    """An activity changes as in the plan workspace: while its plan is a draft, by the
    plan's coordinators and the area's lead (actionplans.access), each save raising its
    version."""

    list_display = [
        "title",
        "plan",
        "kind",
        "collaboration_area",
        "lead_organisation",
        "status",
        "start_date",
        "end_date",
    ]
    list_filter = ["plan__year", "kind", "status", "collaboration_area", "plan__strategy"]
    search_fields = ["title", "description", "expected_benefits"]
    list_select_related = ["plan", "plan__strategy", "collaboration_area", "lead_organisation"]
    filter_horizontal = ["focus_areas", "directions", "effect_goals", "perspectives"]
    autocomplete_fields = ["lead_organisation", "contact"]
    list_per_page = 300
    inlines = [SubGoalInline, BudgetLineInline, RiskInline]
    readonly_fields = ["version", "removed_at"]

    def may_change(self, request, obj: Activity) -> bool:
        if obj.plan_id is None or obj.collaboration_area_id is None:
            return True  # the form says what is missing
        return _plan_access(request, obj.plan).for_activity(obj).can_edit

    def refusal(self, request, obj: Activity) -> str:
        if not obj.plan.is_editable:
            return gettext(
                "The plan is “%(state)s”: its activities can only be changed in a draft."
            ) % {"state": obj.plan.get_state_display()}
        return gettext("Only the plan's coordinators and the area's lead change its activities.")


@admin.register(SubGoal)
class SubGoalAdmin(EditedOnParentAdmin):
    list_display = ["title", "activity", "planned_count", "count_period"]
    list_filter = ["count_period"]
    search_fields = ["title", "steps"]
    list_select_related = ["activity"]


@admin.register(BudgetLine)
class BudgetLineAdmin(EditedOnParentAdmin):
    list_display = ["activity", "kind", "label", "year", "amount"]
    list_filter = ["kind", "year"]
    search_fields = ["label", "activity__title"]
    list_select_related = ["activity"]


@admin.register(PlanImport)
class PlanImportAdmin(ReadOnlyAdmin):
    """Uploads are made in the plan workspace; here they can be read."""

    list_display = ["original_name", "plan", "uploaded_by", "state", "error_count", "created_at"]
    list_filter = ["state"]
    list_select_related = ["plan", "uploaded_by"]
    search_fields = ["original_name", "plan__title", "sha256"]

    def get_queryset(self, request):
        # The list never loads the payloads; an import's own page loads them when shown.
        return super().get_queryset(request).defer(*PlanImport.PAYLOADS)


class OfferRecipientInline(admin.TabularInline):
    model = OfferRecipient
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Offer)
class OfferAdmin(SimpleHistoryAdmin):
    """Offers are sent from the plan workspace (which mails them); here they can be read
    and corrected."""

    list_display = ["title", "plan", "deadline", "sent_by", "sent_at"]
    list_filter = ["deadline"]
    list_select_related = ["plan", "sent_by"]
    search_fields = ["title", "text"]
    filter_horizontal = ["activities"]
    inlines = [OfferRecipientInline]


@admin.register(OfferRecipient)
class OfferRecipientAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "offer"]
    list_select_related = ["organisation", "offer"]
    search_fields = ["organisation__name", "offer__title"]


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "activity", "answer", "answered_by", "answered_at"]
    list_filter = ["answer", "organisation"]
    list_select_related = ["organisation", "activity", "answered_by"]
    search_fields = ["organisation__name", "activity__title", "comment"]


@admin.register(OfferMail)
class OfferMailAdmin(ReadOnlyAdmin):
    """The delivery log: which offer mail went to whom, once."""

    list_display = ["offer", "kind", "organisation", "recipients", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["offer", "organisation"]
    search_fields = ["recipients", "offer__title"]


@admin.register(Risk)
class RiskAdmin(EditedOnParentAdmin):
    list_display = ["description", "activity", "likelihood", "consequence"]
    list_filter = ["likelihood", "consequence"]
    search_fields = ["description", "mitigation", "activity__title"]
    list_select_related = ["activity"]


# Who may edit, comment on and approve plans follows from body memberships: re-grant the
# object permissions whenever an administrator changes a membership, a body or the bodies
# that govern a strategy.
admin.site.unregister(Membership)
admin.site.unregister(Body)
admin.site.unregister(Strategy)
admin.site.unregister(Meeting)


@admin.register(Membership)
class MembershipWithAccessAdmin(MembershipAdmin):
    def save_model(self, request, obj, form, change):
        previous_body = Membership.objects.get(pk=obj.pk).body if change else None
        super().save_model(request, obj, form, change)
        for body in {obj.body, previous_body} - {None}:
            access_sync_for_body(body=body)

    def delete_model(self, request, obj):
        body = obj.body
        super().delete_model(request, obj)
        access_sync_for_body(body=body)

    def delete_queryset(self, request, queryset):
        bodies = set(Body.objects.filter(memberships__in=queryset))
        super().delete_queryset(request, queryset)
        for body in bodies:
            access_sync_for_body(body=body)


@admin.register(Body)
class BodyWithAccessAdmin(BodyAdmin):
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        access_sync_for_body(body=form.instance)


@admin.register(Strategy)
class StrategyWithAccessAdmin(StrategyAdmin):
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        access_sync(strategy=form.instance)


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    """Initiatives move through the intake's steps in the portal; the admin corrects text."""

    list_display = ["title", "organisation", "state", "outcome", "preparer", "submitted_at"]
    list_filter = ["state", "outcome", "strategy"]
    search_fields = ["title", "problem", "expected_benefit"]
    list_select_related = ["organisation", "preparer"]
    readonly_fields = ["state", "outcome", "plan", "activity", "decision", "preparer"]
    raw_id_fields = ["submitted_by"]


@admin.register(InitiativeEvent)
class InitiativeEventAdmin(ReadOnlyAdmin):
    list_display = ["initiative", "kind", "actor", "created_at", "notified_at"]
    list_select_related = ["initiative", "actor"]


class SubGoalMeetingInline(admin.TabularInline):
    model = SubGoal.meetings.through
    extra = 1
    raw_id_fields = ["subgoal"]
    verbose_name = _("sub-goal it counts toward")
    verbose_name_plural = _("sub-goals it counts toward")


@admin.register(Meeting)
class MeetingWithSubGoalsAdmin(MeetingAdmin):
    """A held meeting or event counts as performed for the sub-goals it is linked to."""

    inlines = [*MeetingAdmin.inlines, SubGoalMeetingInline]  # type: ignore[list-item]
