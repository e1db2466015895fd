from django.contrib import admin
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from followup.access import report_access
from followup.models import (
    ActivityReport,
    BudgetOutcome,
    FollowUpRound,
    IndicatorValue,
    Report,
    ReportComment,
    ReportMail,
    RoundMail,
    SubGoalOutcome,
)
from portal.admin import (
    EditedOnParentAdmin,
    LockedAdmin,
    LockedInline,
    ReadOnlyAdmin,
    VersionedAdmin,
)


@admin.register(FollowUpRound)
class FollowUpRoundAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "year", "term", "deadline", "state"]
    list_filter = ["state", "year", "term"]
    search_fields = ["plan__title"]
    list_select_related = ["plan", "plan__strategy"]
    # A round is closed and opened again on its page, which keeps a round with an
    # approved report closed (its reports are locked with it).
    readonly_fields = ["state", "opened_by", "opened_at"]


class SubGoalOutcomeInline(LockedInline):
    model = SubGoalOutcome
    extra = 0
    raw_id_fields = ["sub_goal"]


class BudgetOutcomeInline(LockedInline):
    model = BudgetOutcome
    extra = 0
    raw_id_fields = ["budget_line"]


@admin.register(ActivityReport)
class ActivityReportAdmin(VersionedAdmin, LockedAdmin, SimpleHistoryAdmin):
    """A report changes as on its page in the portal: while its round is open, by those
    who fill it (followup.access), each save raising its version. Its state moves only
    there (submitting checks what a report must hold), and it stays the report of its
    round and activity."""

    list_display = ["activity", "round", "state", "status", "traffic_light", "progress"]
    list_filter = ["state", "status", "traffic_light", "round__year"]
    search_fields = ["activity__title", "work_done", "realised_benefits"]
    list_select_related = ["activity", "round", "round__plan", "round__plan__strategy"]
    raw_id_fields = ["activity", "round"]
    readonly_fields = ["state", "version", "submitted_at", "submitted_by"]
    inlines = [SubGoalOutcomeInline, BudgetOutcomeInline]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "round", "activity"] if obj else fields

    def may_change(self, request, obj: ActivityReport) -> bool:
        if obj.round_id is None or obj.activity_id is None:
            return True  # the form says what is missing
        if not obj.pk:
            return report_access(request.user, obj).can_edit
        # Asked for the page, each inline and each of their buttons: once per request.
        cache = request.__dict__.setdefault("_report_access", {})
        if obj.pk not in cache:
            cache[obj.pk] = report_access(request.user, obj)
        return cache[obj.pk].can_edit

    def refusal(self, request, obj: ActivityReport) -> str:
        if obj.round.state != FollowUpRound.State.OPEN:
            return gettext("The round is closed: reports can no longer be changed.")
        return gettext(
            "Only the activity's contact, its area's lead and the coordinators fill its report."
        )


@admin.register(SubGoalOutcome)
class SubGoalOutcomeAdmin(EditedOnParentAdmin):
    list_display = ["sub_goal", "report", "performed_count"]
    list_select_related = ["sub_goal", "report", "report__activity", "report__round__plan"]
    raw_id_fields = ["sub_goal", "report"]


@admin.register(BudgetOutcome)
class BudgetOutcomeAdmin(EditedOnParentAdmin):
    list_display = ["budget_line", "report", "amount"]
    list_select_related = ["budget_line", "report", "report__activity", "report__round__plan"]
    raw_id_fields = ["budget_line", "report"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "organisation", "value"]
    list_filter = ["year", "indicator__strategy"]
    search_fields = ["indicator__title", "organisation__name"]
    list_select_related = ["indicator", "organisation"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Built by the worker and reviewed in the portal; the admin only reads it."""

    list_display = ["round", "version", "state", "review", "pages", "requested_at"]
    list_filter = ["state", "review"]
    list_select_related = ["round", "round__plan"]


@admin.register(ReportComment)
class ReportCommentAdmin(ReadOnlyAdmin):
    list_display = ["report", "author", "created_at"]
    list_select_related = ["report", "report__round__plan", "author"]


@admin.register(RoundMail)
class RoundMailAdmin(ReadOnlyAdmin):
    list_display = ["round", "kind", "key", "sent_at"]
    list_select_related = ["round", "round__plan"]


@admin.register(ReportMail)
class ReportMailAdmin(ReadOnlyAdmin):
    list_display = ["report", "key", "sent_at"]
    list_select_related = ["report", "report__round__plan"]
