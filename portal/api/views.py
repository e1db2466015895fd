"""The API's portal endpoints: the organisations and the decision register."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from portal import selectors
from portal.api.base import ApiList
from portal.api.filters import ListFilters, year_field
from portal.models import Decision, Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "slug", "name", "kind", "county", "collaborates", "kolada_id"]


class OrganisationList(ApiList):
    """The organisations of the programme: the region, the municipalities and others."""

    serializer_class = OrganisationSerializer

    def get_queryset(self):
        return Organisation.objects.all()

    @extend_schema(operation_id="organisations_list", parameters=[ListFilters])
    def get(self, request):
        return self.list(request)


class DecisionSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "body",
            "meeting",
            "decided_on",
            "title",
            "text",
            "subject_title",
            "subject_url",
            "is_public",
        ]


class DecisionFilters(ListFilters):
    body = serializers.SlugField(required=False, help_text="The body's slug.")
    year = year_field(help_text="The year the decision was taken.")


class DecisionList(ApiList):
    """The decision register: public decisions, and with a key also those of the bodies
    the key's user sits in or keeps, as the register page shows them."""

    serializer_class = DecisionSerializer
    filters_class = DecisionFilters

    def get_queryset(self):
        found = selectors.readable_decisions(self.request.user).select_related("body")
        return self.narrowed(found, {"body": "body__slug", "year": "decided_on__year"})

    @extend_schema(operation_id="decisions_list", parameters=[DecisionFilters])
    def get(self, request):
        return self.list(request)


urlpatterns = [
    path("organisations/", OrganisationList.as_view(), name="api_organisations"),
    path("decisions/", DecisionList.as_view(), name="api_decisions"),
]
