"""The API's action-plan endpoints: plans (a whole plan with its activities) and a list
of activities across plans, filtered as an integration needs. Anonymous readers see the
published and closed plans of public strategies, as the public pages do; a key's user also
sees the plans they work on, in every state (actionplans.selectors.plans)."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from actionplans.models import ActionPlan, Activity, BudgetLine, Participation, SubGoal
from actionplans.selectors import offers as offer_selectors
from actionplans.selectors import plans as plan_selectors
from portal.api.base import ApiList, ApiView
from portal.api.filters import ListFilters, id_field, year_field


class SubGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubGoal
        fields = ["id", "order", "title", "steps", "planned_count", "count_period"]


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["kind", "year", "label", "public_funding", "amount"]


class ActivitySerializer(serializers.ModelSerializer):
    lead_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sub_goals = SubGoalSerializer(many=True, read_only=True)
    budget_lines = BudgetLineSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "plan",
            "order",
            "title",
            "description",
            "kind",
            "status",
            "collaboration_area",
            "focus_areas",
            "directions",
            "effect_goals",
            "perspectives",
            "lead_organisation",
            "start_date",
            "end_date",
            "expected_benefits",
            "weight",
            "sub_goals",
            "budget_lines",
        ]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    strategy = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ActionPlan
        fields = ["id", "strategy", "year", "title", "introduction", "state", "revision", "revises"]


class PlanDetailSerializer(PlanSerializer):
    activities = ActivitySerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "activities"]


class PlanFilters(ListFilters):
    strategy = serializers.SlugField(required=False, help_text="The strategy's slug.")
    year = year_field(help_text="The plan's year.")
    state = serializers.ChoiceField(choices=ActionPlan.State.choices, required=False)


class PlanList(ApiList):
    serializer_class = PlanSerializer
    filters_class = PlanFilters

    def get_queryset(self):
        found = plan_selectors.readable_plans(self.request.user).select_related("strategy")
        return self.narrowed(
            found, {"strategy": "strategy__slug", "year": "year", "state": "state"}
        )

    @extend_schema(operation_id="plans_list", parameters=[PlanFilters])
    def get(self, request):
        return self.list(request)


class PlanDetail(ApiView):
    """A whole plan with its activities, their sub-goals and budget lines."""

    serializer_class = PlanDetailSerializer
    pagination_class = None

    @extend_schema(operation_id="plans_retrieve")
    def get(self, request, plan_id: int):
        plan = get_object_or_404(
            plan_selectors.readable_plans(request.user).select_related("strategy"), pk=plan_id
        )
        return self.cached(
            request, plan_selectors.plan_content_version(plan), lambda: self.build(plan)
        )

    def build(self, plan):
        plan_selectors.plan_activities(plan)
        self.last_modified = plan_selectors.plan_last_changed(plan)
        return Response(self.get_serializer(plan).data)


class ActivityFilters(ListFilters):
    plan = id_field(help_text="The plan's id.")
    strategy = serializers.SlugField(required=False, help_text="The strategy's slug.")
    year = year_field(help_text="The year of the activity's plan.")
    collaboration_area = id_field(help_text="The collaboration area's id.")
    focus_area = id_field(help_text="The id of one of the activity's focus areas.")
    status = serializers.ChoiceField(choices=Activity.Status.choices, required=False)
    organisation = serializers.SlugField(
        required=False, help_text="The slug of the organisation leading the activity."
    )


#: Each filter and the lookup it makes.
ACTIVITY_LOOKUPS = {
    "plan": "plan_id",
    "strategy": "plan__strategy__slug",
    "year": "plan__year",
    "collaboration_area": "collaboration_area_id",
    "focus_area": "focus_areas",
    "status": "status",
    "organisation": "lead_organisation__slug",
}


class ActivityList(ApiList):
    """The activities of the plans the reader may see, with their links (collaboration
    area, focus areas, strategic directions, effect goals, perspectives, lead
    organisation), sub-goals and budget lines."""

    serializer_class = ActivitySerializer
    filters_class = ActivityFilters

    def get_queryset(self):
        found = plan_selectors.readable_activities(self.request.user)
        return self.narrowed(found, ACTIVITY_LOOKUPS)

    def last_changed(self, page):
        return plan_selectors.activities_last_changed(page)

    @extend_schema(operation_id="activities_list", parameters=[ActivityFilters])
    def get(self, request):
        version = plan_selectors.activities_content_version()
        return self.cached(request, version, lambda: self.list(request))


class ParticipationSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    plan = serializers.IntegerField(source="offer.plan_id", read_only=True)

    class Meta:
        model = Participation
        # Not who answered: a person's name is not open data.
        fields = ["id", "plan", "offer", "activity", "organisation", "answer", "answered_at"]


class ParticipationFilters(ListFilters):
    plan = id_field(help_text="The plan's id.")
    strategy = serializers.SlugField(required=False, help_text="The strategy's slug.")
    year = year_field(help_text="The year of the plan.")
    activity = id_field(help_text="The activity's id.")
    organisation = serializers.SlugField(
        required=False, help_text="The slug of the answering organisation."
    )
    answer = serializers.ChoiceField(choices=Participation.Answer.choices, required=False)


class ParticipationList(ApiList):
    """The organisations' answers to the offers to take part in activities: public once the
    plan is published; before that, to those who work on the plan and to the answering
    organisation's own people."""

    serializer_class = ParticipationSerializer
    filters_class = ParticipationFilters

    def get_queryset(self):
        found = offer_selectors.readable_participations(self.request.user).select_related(
            "organisation", "offer"
        )
        return self.narrowed(
            found,
            {
                "plan": "offer__plan_id",
                "strategy": "offer__plan__strategy__slug",
                "year": "offer__plan__year",
                "activity": "activity_id",
                "organisation": "organisation__slug",
                "answer": "answer",
            },
        )

    @extend_schema(operation_id="participations_list", parameters=[ParticipationFilters])
    def get(self, request):
        return self.list(request)


urlpatterns = [
    path("plans/", PlanList.as_view(), name="api_plans"),
    path("plans/<int:plan_id>/", PlanDetail.as_view(), name="api_plan"),
    path("activities/", ActivityList.as_view(), name="api_activities"),
    path("participations/", ParticipationList.as_view(), name="api_participations"),
]
