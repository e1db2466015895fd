from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import ReadOnlyAdmin
from strategy.models import (
    CollaborationArea,
    CollaborationQuestion,
    Consultation,
    ConsultationAnswer,
    ConsultationMail,
    ConsultationRecipient,
    EffectGoal,
    FocusArea,
    Indicator,
    IndicatorTarget,
    OverallGoal,
    Perspective,
    StrategicDirection,
    Strategy,
    TacticalPoint,
)


class OrderedInline(admin.TabularInline):
    extra = 0


class OverallGoalInline(OrderedInline):
    model = OverallGoal


class PerspectiveInline(OrderedInline):
    model = Perspective


class FocusAreaInline(OrderedInline):
    model = FocusArea
    fields = ["order", "title", "slug", "goal"]
    show_change_link = True


@admin.register(Strategy)
class StrategyAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "kind",
        "owner",
        "period_start",
        "period_end",
        "parent",
        "state",
        "is_public",
    ]
    list_filter = ["kind", "state", "is_public", "owner"]
    search_fields = ["title", "summary", "vision"]
    list_select_related = ["owner", "parent"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [OverallGoalInline, PerspectiveInline, FocusAreaInline]
    filter_horizontal = ["governing_bodies"]


class DirectionInline(OrderedInline):
    model = StrategicDirection
    fields = ["order", "title"]
    show_change_link = True


@admin.register(FocusArea)
class FocusAreaAdmin(SimpleHistoryAdmin):
    list_display = ["title", "strategy", "order"]
    list_filter = ["strategy"]
    search_fields = ["title", "goal", "description"]
    list_select_related = ["strategy"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DirectionInline]


class TacticalPointInline(OrderedInline):
    model = TacticalPoint


@admin.register(StrategicDirection)
class StrategicDirectionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "focus_area", "order"]
    list_filter = ["focus_area__strategy", "focus_area"]
    search_fields = ["title", "description", "tactical_points__text"]
    list_select_related = ["focus_area"]
    inlines = [TacticalPointInline]


@admin.register(TacticalPoint)
class TacticalPointAdmin(SimpleHistoryAdmin):
    list_display = ["text", "direction", "order"]
    list_filter = ["direction__focus_area__strategy", "direction__focus_area"]
    search_fields = ["text"]
    list_select_related = ["direction"]


@admin.register(OverallGoal)
class OverallGoalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "strategy", "order"]
    list_filter = ["strategy"]
    search_fields = ["title", "description"]


@admin.register(Perspective)
class PerspectiveAdmin(SimpleHistoryAdmin):
    list_display = ["title", "strategy", "order"]
    list_filter = ["strategy"]
    search_fields = ["title", "description"]


@admin.register(EffectGoal)
class EffectGoalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "strategy", "focus_area", "order"]
    list_filter = ["strategy", "focus_area"]
    search_fields = ["title", "description"]
    list_select_related = ["strategy", "focus_area"]


class TargetInline(OrderedInline):
    model = IndicatorTarget


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["title", "strategy", "focus_area", "unit", "direction"]
    list_filter = ["strategy", "direction", "per_organisation"]
    search_fields = ["title", "description"]
    list_select_related = ["strategy", "focus_area"]
    inlines = [TargetInline]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "value"]
    list_filter = ["year", "indicator__strategy"]
    search_fields = ["indicator__title"]
    list_select_related = ["indicator"]


class QuestionInline(OrderedInline):
    model = CollaborationQuestion


@admin.register(CollaborationArea)
class CollaborationAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "strategy", "is_overall", "group", "order"]
    list_filter = ["strategy", "is_overall"]
    search_fields = ["name", "description", "questions__text"]
    list_select_related = ["strategy", "group"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [QuestionInline]


@admin.register(CollaborationQuestion)
class CollaborationQuestionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "area", "order"]
    list_filter = ["area"]
    search_fields = ["text"]
    list_select_related = ["area"]


class ConsultationRecipientInline(admin.TabularInline):
    model = ConsultationRecipient
    extra = 0
    fields = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    """Consultations are sent from the strategy's page (which mails them); here they can be
    read and corrected."""

    list_display = ["strategy", "deadline", "sent_by", "sent_at"]
    list_filter = ["deadline"]
    list_select_related = ["strategy", "sent_by"]
    search_fields = ["strategy__title", "text"]
    inlines = [ConsultationRecipientInline]


@admin.register(ConsultationRecipient)
class ConsultationRecipientAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "consultation"]
    list_select_related = ["organisation", "consultation__strategy"]
    search_fields = ["organisation__name", "consultation__strategy__title"]


@admin.register(ConsultationAnswer)
class ConsultationAnswerAdmin(SimpleHistoryAdmin):
    list_display = ["recipient", "part", "stance", "answered_by", "answered_at"]
    list_filter = ["stance"]
    list_select_related = ["recipient__organisation", "answered_by"]
    search_fields = ["recipient__organisation__name", "comment", "handling"]


@admin.register(ConsultationMail)
class ConsultationMailAdmin(ReadOnlyAdmin):
    """The delivery log: which consultation mail went to whom, once."""

    list_display = ["consultation", "kind", "organisation", "recipients", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["consultation__strategy", "organisation"]
    search_fields = ["recipients"]
