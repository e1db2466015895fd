from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actionplans.admin import ReadOnlyAdmin
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


@admin.register(FollowUpRound)
class FollowUpRoundAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "year", "term", "deadline", "state"]
    list_filter = ["state", "year", "term"]
    search_fields = ["plan__title"]
    list_select_related = ["plan", "plan__strategy"]
    readonly_fields = ["opened_by", "opened_at"]


class SubGoalOutcomeInline(admin.TabularInline):
    model = SubGoalOutcome
    extra = 0
    raw_id_fields = ["sub_goal"]


class BudgetOutcomeInline(admin.TabularInline):
    model = BudgetOutcome
    extra = 0
    raw_id_fields = ["budget_line"]


@admin.register(ActivityReport)
class ActivityReportAdmin(SimpleHistoryAdmin):
    list_display = ["activity", "round", "state", "status", "traffic_light", "progress"]
    list_filter = ["state", "status", "traffic_light", "round__year"]
    search_fields = ["activity__title", "work_done", "realised_benefits"]
    list_select_related = ["activity", "round", "round__plan", "round__plan__strategy"]
    raw_id_fields = ["activity", "round"]
    readonly_fields = ["version", "submitted_at", "submitted_by"]
    inlines = [SubGoalOutcomeInline, BudgetOutcomeInline]


@admin.register(SubGoalOutcome)
class SubGoalOutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["sub_goal", "report", "performed_count"]
    list_select_related = ["sub_goal", "report", "report__activity", "report__round__plan"]
    raw_id_fields = ["sub_goal", "report"]


@admin.register(BudgetOutcome)
class BudgetOutcomeAdmin(SimpleHistoryAdmin):
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
