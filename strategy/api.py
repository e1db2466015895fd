"""The API's strategy endpoints: strategies and their tree, collaboration areas, and
indicators with their targets. Anonymous readers see the public strategies, as the public
pages do; a key's user also sees the strategies they coordinate (strategy.selectors)."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from portal.api.base import ApiList, ApiView
from portal.api.filters import ListFilters, id_field
from strategy import selectors
from strategy.models import (
    CollaborationArea,
    EffectGoal,
    FocusArea,
    Indicator,
    IndicatorTarget,
    OverallGoal,
    Perspective,
    StrategicDirection,
    Strategy,
)


class StrategySerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    #: Where the strategy is in its workflow (strategy.workflow): a draft on consultation,
    #: decided, in force or ended; the label in the request's language.
    state = serializers.ChoiceField(choices=Strategy.State.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Strategy
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "owner",
            "parent",
            "period_start",
            "period_end",
            "vision",
            "summary",
            "is_public",
            "state",
            "state_label",
        ]


class OverallGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = OverallGoal
        fields = ["id", "order", "title", "description"]


class PerspectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Perspective
        fields = ["id", "order", "title", "description"]


class DirectionSerializer(serializers.ModelSerializer):
    tactical_points = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)

    class Meta:
        model = StrategicDirection
        fields = ["id", "order", "title", "description", "tactical_points"]


class FocusAreaSerializer(serializers.ModelSerializer):
    directions = DirectionSerializer(many=True, read_only=True)

    class Meta:
        model = FocusArea
        fields = ["id", "order", "slug", "title", "goal", "description", "directions"]


class EffectGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = EffectGoal
        fields = ["id", "order", "title", "description", "focus_area"]


class CollaborationAreaSerializer(serializers.ModelSerializer):
    strategy = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = CollaborationArea
        fields = ["id", "strategy", "order", "slug", "name", "description", "is_overall"]


class StrategyTreeSerializer(StrategySerializer):
    overall_goals = OverallGoalSerializer(many=True, read_only=True)
    perspectives = PerspectiveSerializer(many=True, read_only=True)
    focus_areas = FocusAreaSerializer(many=True, read_only=True)
    effect_goals = EffectGoalSerializer(many=True, read_only=True)
    collaboration_areas = CollaborationAreaSerializer(many=True, read_only=True)

    class Meta(StrategySerializer.Meta):
        fields = [
            *StrategySerializer.Meta.fields,
            "preparation_process",
            "follow_up",
            "overall_goals",
            "perspectives",
            "focus_areas",
            "effect_goals",
            "collaboration_areas",
        ]


class StrategyList(ApiList):
    serializer_class = StrategySerializer

    def get_queryset(self):
        return selectors.readable_strategies(self.request.user).select_related("owner", "parent")

    @extend_schema(operation_id="strategies_list", parameters=[ListFilters])
    def get(self, request):
        return self.list(request)


class StrategyDetail(ApiView):
    """A strategy with its whole tree: overall goals, perspectives, focus areas with their
    strategic directions and tactical points, effect goals and collaboration areas."""

    serializer_class = StrategyTreeSerializer
    pagination_class = None

    @extend_schema(operation_id="strategies_retrieve")
    def get(self, request, slug: str):
        strategy = selectors.strategy_tree(
            slug=slug, strategies=selectors.readable_strategies(request.user)
        )
        return Response(self.get_serializer(strategy).data)


class AreaFilters(ListFilters):
    strategy = serializers.SlugField(required=False, help_text="The strategy's slug.")


class CollaborationAreaList(ApiList):
    serializer_class = CollaborationAreaSerializer
    filters_class = AreaFilters

    def get_queryset(self):
        found = CollaborationArea.objects.filter(
            strategy__in=selectors.readable_strategies(self.request.user)
        ).select_related("strategy")
        return self.narrowed(found, {"strategy": "strategy__slug"})

    @extend_schema(operation_id="collaboration_areas_list", parameters=[AreaFilters])
    def get(self, request):
        return self.list(request)


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorTarget
        fields = ["year", "value"]


class IndicatorSerializer(serializers.ModelSerializer):
    strategy = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "strategy",
            "focus_area",
            "effect_goal",
            "order",
            "title",
            "description",
            "unit",
            "direction",
            "per_organisation",
            "kolada_kpi",
            "targets",
        ]


class IndicatorFilters(ListFilters):
    strategy = serializers.SlugField(required=False, help_text="The strategy's slug.")
    focus_area = id_field(help_text="The focus area's id.")


class IndicatorList(ApiList):
    """The indicators of the strategies, with their yearly targets; their values are at
    /api/v1/indicator-values/."""

    serializer_class = IndicatorSerializer
    filters_class = IndicatorFilters

    def get_queryset(self):
        found = (
            Indicator.objects.filter(strategy__in=selectors.readable_strategies(self.request.user))
            .select_related("strategy")
            .prefetch_related("targets")
        )
        return self.narrowed(found, {"strategy": "strategy__slug", "focus_area": "focus_area_id"})

    @extend_schema(operation_id="indicators_list", parameters=[IndicatorFilters])
    def get(self, request):
        return self.list(request)


urlpatterns = [
    path("strategies/", StrategyList.as_view(), name="api_strategies"),
    path("strategies/<slug:slug>/", StrategyDetail.as_view(), name="api_strategy"),
    path("collaboration-areas/", CollaborationAreaList.as_view(), name="api_collaboration_areas"),
    path("indicators/", IndicatorList.as_view(), name="api_indicators"),
]
