from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actionplans.models import ActionPlan, Activity, BudgetLine, SubGoal


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    fields = ["order", "title", "kind", "collaboration_area", "status"]
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "strategy", "year", "state"]
    list_filter = ["state", "year", "strategy"]
    search_fields = ["title", "introduction"]
    list_select_related = ["strategy"]
    inlines = [ActivityInline]


class SubGoalInline(admin.TabularInline):
    model = SubGoal
    extra = 0


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
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
    inlines = [SubGoalInline, BudgetLineInline]


@admin.register(SubGoal)
class SubGoalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "activity", "planned_count", "count_period"]
    list_filter = ["count_period"]
    search_fields = ["title", "steps"]
    list_select_related = ["activity"]


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ["activity", "kind", "label", "year", "amount"]
    list_filter = ["kind", "year"]
    search_fields = ["label", "activity__title"]
    list_select_related = ["activity"]
