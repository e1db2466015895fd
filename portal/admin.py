from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.models import AgendaItem, Body, Decision, Meeting, Membership, Organisation, User
from portal.services import contact_access_sync


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "county", "collaborates", "kolada_id"]
    list_filter = ["kind", "collaborates", "county"]
    search_fields = ["name", "kolada_id"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "get_full_name", "email", "organisation", "is_contact", "is_active"]
    list_filter = ["organisation__kind", "is_contact", "is_active", "is_staff", "organisation"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Organisation"), {"fields": ["organisation", "job_title", "is_contact"]}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Who answers offers for an organisation follows the contact flag.
        contact_access_sync(user=obj)


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "organisation", "email"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "mandate"]
    list_select_related = ["organisation"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "body", "role", "since"]
    list_filter = ["role", "body__kind", "body"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "body__name"]
    list_select_related = ["user", "body"]
    autocomplete_fields = ["user", "body"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 1
    fields = ["order", "title", "subject_url"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "body", "starts_at", "location", "minutes_published"]
    list_filter = ["body", "minutes_published"]
    search_fields = ["title", "agenda", "minutes"]
    list_select_related = ["body"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "body", "decided_on", "subject_title", "is_public"]
    list_filter = ["body", "is_public"]
    search_fields = ["title", "text", "subject_title"]
    list_select_related = ["body"]
    date_hierarchy = "decided_on"
    exclude = ["subject_type", "subject_id"]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "meeting", "order"]
    list_select_related = ["meeting", "meeting__body"]
    search_fields = ["title"]
    raw_id_fields = ["meeting"]
