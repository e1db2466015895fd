from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from followup.models import ActivityReport, FollowUpRound, IndicatorValue


@admin.register(FollowUpRound)
class FollowUpRoundAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "year", "term", "deadline", "state"]
    list_filter = ["state", "year", "term"]
    search_fields = ["plan__title"]
    list_select_related = ["plan", "plan__strategy"]


@admin.register(ActivityReport)
class ActivityReportAdmin(SimpleHistoryAdmin):
    list_display = ["activity", "round", "state", "status", "traffic_light", "progress"]
    list_filter = ["state", "status", "traffic_light", "round__year"]
    search_fields = ["activity__title", "work_done", "realised_benefits"]
    list_select_related = ["activity", "round", "round__plan", "round__plan__strategy"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "organisation", "value"]
    list_filter = ["year", "indicator__strategy"]
    search_fields = ["indicator__title", "organisation__name"]
    list_select_related = ["indicator", "organisation"]
