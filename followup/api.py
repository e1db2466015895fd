"""The API's follow-up endpoints: indicator values, read by anyone who may see the
indicator's strategy, and written (created or replaced by indicator, organisation and
year) by an integration whose key may enter values and whose user coordinates the
strategy, through the same service and checks as the indicator's page."""

from decimal import ROUND_HALF_UP

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from followup import selectors
from followup.models import ActivityReport, BudgetOutcome, IndicatorValue, SubGoalOutcome
from followup.services.indicators import CENT, LIMIT, indicator_value_set
from portal import limits
from portal.api.base import ApiList
from portal.api.filters import ListFilters, id_field, year_field
from portal.models import Organisation
from strategy.access import strategy_access
from strategy.models import Indicator
from strategy.selectors import readable_strategies


class IndicatorValueSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "year", "organisation", "scope", "value", "comment", "source"]


class IndicatorValueFilters(ListFilters):
    indicator = id_field(help_text="The indicator's id.")
    strategy = serializers.SlugField(required=False, help_text="The strategy's slug.")
    organisation = serializers.SlugField(required=False, help_text="The organisation's slug.")
    year = year_field()
    scope = serializers.ChoiceField(choices=IndicatorValue.Scope.choices, required=False)


class IndicatorValueInput(serializers.Serializer):
    indicator = id_field(required=True)
    year = year_field()
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="For an indicator reported per organisation; leave out for the strategy's "
        "own value.",
    )
    # Any number of decimals: the value is kept to two, rounded as Kolada's are.
    value = serializers.DecimalField(
        max_digits=None, decimal_places=None, max_value=LIMIT - CENT, min_value=-(LIMIT - CENT)
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.COMMENT, default=""
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].required = True


class IndicatorValueList(ApiList):
    serializer_class = IndicatorValueSerializer
    filters_class = IndicatorValueFilters

    def readable(self):
        return IndicatorValue.objects.filter(
            indicator__strategy__in=readable_strategies(self.request.user)
        ).select_related("organisation")

    def get_queryset(self):
        return self.narrowed(
            self.readable(),
            {
                "indicator": "indicator_id",
                "strategy": "indicator__strategy__slug",
                "organisation": "organisation__slug",
                "year": "year",
                "scope": "scope",
            },
        )

    @extend_schema(operation_id="indicator_values_list", parameters=[IndicatorValueFilters])
    def get(self, request):
        return self.list(request)

    @extend_schema(
        operation_id="indicator_values_set",
        request=IndicatorValueInput,
        responses={
            200: IndicatorValueSerializer,
            201: IndicatorValueSerializer,
            403: OpenApiResponse(description="The key may not enter values"),
        },
    )
    def post(self, request):
        """Create or replace the value of an indicator for a year (and an organisation)."""
        token = request.auth
        if token is None or not token.can_write_indicator_values:
            raise exceptions.PermissionDenied(
                "Entering values needs an API key that may enter indicator values."
            )
        given = IndicatorValueInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        indicator = get_object_or_404(
            Indicator.objects.filter(strategy__in=readable_strategies(request.user)).select_related(
                "strategy"
            ),
            pk=data["indicator"],
        )
        organisation = data.get("organisation")
        # Where the value belongs; the service writes the strategy scope.
        place = {
            "indicator": indicator,
            "year": data["year"],
            "organisation": organisation,
            "scope": IndicatorValue.Scope.STRATEGY,
        }
        existed = self.readable().filter(**place).exists()
        indicator_value_set(
            indicator=indicator,
            year=data["year"],
            organisation=organisation,
            value=data["value"].quantize(CENT, rounding=ROUND_HALF_UP),
            comment=data["comment"],
            user=request.user,
            access=strategy_access(request.user, indicator.strategy),
        )
        stored = self.readable().get(**place)
        return Response(
            self.get_serializer(stored).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubGoalOutcome
        fields = ["sub_goal", "performed_count", "comment"]


class BudgetOutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetOutcome
        fields = ["budget_line", "amount"]


class ActivityReportSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="round.plan_id", read_only=True)
    year = serializers.IntegerField(source="round.year", read_only=True)
    term = serializers.CharField(source="round.term", read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)
    budget_outcomes = BudgetOutcomeSerializer(many=True, read_only=True)

    class Meta:
        model = ActivityReport
        fields = [
            "id",
            "plan",
            "round",
            "year",
            "term",
            "activity",
            "state",
            "status",
            "traffic_light",
            "traffic_light_comment",
            "progress",
            "work_done",
            "realised_benefits",
            "submitted_at",
            "outcomes",
            "budget_outcomes",
        ]


class ActivityReportFilters(ListFilters):
    plan = id_field(help_text="The plan's id.")
    strategy = serializers.SlugField(required=False, help_text="The strategy's slug.")
    year = year_field(help_text="The year the round follows up.")
    activity = id_field(help_text="The activity's id.")
    state = serializers.ChoiceField(choices=ActivityReport.State.choices, required=False)


class ActivityReportList(ApiList):
    """The follow-up of each activity: public once the steering group has approved the
    round's report; with a key, also the reports in progress of the plans its user works
    on."""

    serializer_class = ActivityReportSerializer
    filters_class = ActivityReportFilters

    def get_queryset(self):
        found = (
            selectors.readable_activity_reports(self.request.user)
            .select_related("round")
            .prefetch_related("outcomes", "budget_outcomes")
        )
        return self.narrowed(
            found,
            {
                "plan": "round__plan_id",
                "strategy": "round__plan__strategy__slug",
                "year": "round__year",
                "activity": "activity_id",
                "state": "state",
            },
        )

    @extend_schema(operation_id="activity_reports_list", parameters=[ActivityReportFilters])
    def get(self, request):
        return self.list(request)


urlpatterns = [
    path("indicator-values/", IndicatorValueList.as_view(), name="api_indicator_values"),
    path("activity-reports/", ActivityReportList.as_view(), name="api_activity_reports"),
]
