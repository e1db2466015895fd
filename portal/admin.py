import re
from typing import Any

from allauth.socialaccount import admin as social_admin
from allauth.socialaccount.models import SocialApp
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.forms import VersionField
from portal.history import conflict_details
from portal.models import (
    AgendaItem,
    ApiToken,
    Body,
    Decision,
    Meeting,
    Membership,
    Organisation,
    User,
)
from portal.services import contact_access_sync

#: An e-mail domain: labels of letters, digits and hyphens, with at least one dot.
DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")

# --- What the admin shares with the portal's forms ---------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records the portal writes itself (timelines, upload and delivery logs): they can
    be read in the admin, not added or changed there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionedAdminForm(forms.ModelForm):
    """An admin form that carries the version its object had when the form was opened: a
    save from another version is refused (saving again then replaces it), so the admin
    never silently overwrites a change made in the portal meanwhile."""

    opened_version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            # From the table: the history's revert form holds an old version's values.
            self.initial["opened_version"] = self._stored().values_list("version", flat=True)[0]

    def _stored(self):
        return type(self.instance)._default_manager.filter(pk=self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        # The admin's change view is one transaction: the lock holds until the save.
        stored = self._stored().select_for_update().get()
        opened = cleaned.get("opened_version")
        if opened is not None and opened == stored.version:
            return cleaned
        names = [f.name for f in stored._meta.concrete_fields if f.name in self.fields]
        found = conflict_details(stored, opened, names)
        self.data = self.data.copy()
        self.data["opened_version"] = str(stored.version)
        if not found["base_known"]:
            raise ValidationError(
                gettext(
                    "The form did not say which version you opened, so your changes have "
                    "not been saved. Save again to replace what is stored with them."
                )
            )
        when = found["changed_at"]
        raise ValidationError(
            gettext(
                "%(who)s saved this at %(when)s, after you opened it, and changed: "
                "%(fields)s. Your changes have not been saved: save again to replace theirs, "
                "or reload the page to see theirs."
            )
            % {
                "who": found["changed_by"] or gettext("someone"),
                "when": formats.date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT")
                if when
                else "–",
                "fields": ", ".join(c.field for c in found["changes"]) or "–",
            }
        )


class VersionedAdmin(admin.ModelAdmin):
    """For the objects whose forms in the portal check a version (activities, activity
    reports, meetings): every admin save raises it, so that a form opened before gets a
    conflict, and the admin's own form is checked the same way (VersionedAdminForm)."""

    form = VersionedAdminForm

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if "version" in fields else [*fields, "version"]

    def save_model(self, request, obj, form, change):
        if change:
            stored = type(obj)._default_manager.select_for_update().filter(pk=obj.pk)
            obj.version = stored.values_list("version", flat=True)[0] + 1
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting from the history saves like the change view, which is one transaction
        # (the form locks the row it checks); simple-history's view is not.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)


class LockedAdmin(admin.ModelAdmin):
    """For objects the portal's workflow locks (an activity of a plan past its draft, a
    report of a closed round): the admin refuses what the portal refuses, by the app's
    own access rules in ``may_change``; a locked object can be read, not changed, deleted
    or reverted, and an object is not moved or added where it would be locked."""

    def may_change(self, request, obj) -> bool:
        raise NotImplementedError

    def refusal(self, request, obj) -> str:
        """Why ``obj`` may not be saved (shown on the form)."""
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.may_change(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.may_change(request, obj))

    def get_deleted_objects(self, objs, request):
        # The list's delete action asks this, not has_delete_permission, per object.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        locked = {str(obj) for obj in objs if not self.may_change(request, obj)}
        return deleted, counts, perms_needed | locked, protected

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        model_admin = self

        class LockedForm(form):
            def _post_clean(self):
                super()._post_clean()
                if not model_admin.may_change(request, self.instance):
                    self.add_error(None, model_admin.refusal(request, self.instance))

        LockedForm.__name__ = form.__name__
        return LockedForm

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history hides the revert button of what may not be changed, but would
        # still save a post.
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class LockedInline(admin.TabularInline):
    """Rows edited on their parent's page (an activity's sub-goals, a report's outcomes):
    locked with the parent, by its admin's ``may_change``."""

    def _parent_may_change(self, request, obj) -> bool:
        parent_admin = self.admin_site._registry.get(self.parent_model)
        if obj is None or not isinstance(parent_admin, LockedAdmin):
            return True
        return parent_admin.may_change(request, obj)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._parent_may_change(request, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and self._parent_may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and self._parent_may_change(request, obj)


class EditedOnParentAdmin(SimpleHistoryAdmin):
    """Rows that are edited on their parent's page (an activity's sub-goals, a report's
    outcomes), where the workflow's lock and the parent's version apply; here they are
    read."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- The portal's models -----------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "county", "collaborates", "kolada_id", "org_number"]
    list_filter = ["kind", "collaborates", "county"]
    search_fields = ["name", "kolada_id", "org_number"]
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
    list_display = ["user", "body", "role", "since", "ended_on"]
    list_filter = ["role", "body__kind", "body"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "body__name"]
    list_select_related = ["user", "body"]
    autocomplete_fields = ["user", "body"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 1
    fields = ["order", "title", "subject_url"]


@admin.register(Meeting)
class MeetingAdmin(VersionedAdmin, SimpleHistoryAdmin):
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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Keys are created by their owners (the key is shown to them once); an administrator
    sees them and revokes one that leaked or whose owner has left."""

    list_display = [
        "name",
        "user",
        "prefix",
        "can_write_indicator_values",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["can_write_indicator_values", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username", "user__email"]
    readonly_fields = [f.name for f in ApiToken._meta.fields if f.name != "key_hash"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Revoke the chosen keys"))
    def revoke(self, request, queryset) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, gettext("%(count)s keys revoked.") % {"count": count})


# --- Sign-in: the organisations' identity providers ---------------------------------------------


class SocialAppForm(social_admin.SocialAppForm):
    """A provider's organisation and e-mail domains as fields of their own: they live in the
    app's JSON settings (portal.sign_in reads them there), where a typo would go unnoticed."""

    class Meta(social_admin.SocialAppForm.Meta):
        # Named, not allauth's empty exclude: a field added by an upgrade stays out of the form.
        exclude = None
        fields = ["provider", "provider_id", "name", "client_id", "secret", "key", "settings"]

    organisation = forms.ModelChoiceField(
        label=_("organisation"),
        queryset=Organisation.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        help_text=_(
            "Whose people sign in with this provider. Leave it empty only for a SAML federation "
            "(Sambi, Sweden Connect): its people are placed by the organisation number their "
            "assertion carries, and refused if it is no organisation's in the portal."
        ),
    )
    email_domains = forms.CharField(
        label=_("e-mail domains"),
        required=False,
        help_text=_(
            "The organisation's e-mail domains, separated by commas (kumla.se, "
            "kumla.kommun.se): they pick this provider on the sign-in page, and an existing "
            "account is joined to the provider only if its e-mail's domain is one of them."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        app_settings = self.instance.settings or {}
        self.initial.setdefault("organisation", app_settings.get("organisation", ""))
        self.initial.setdefault("email_domains", ", ".join(app_settings.get("email_domains", [])))

    def clean_email_domains(self) -> list[str]:
        domains = [
            part.strip().lower().lstrip("@")
            for part in self.cleaned_data["email_domains"].split(",")
            if part.strip()
        ]
        wrong = [domain for domain in domains if not DOMAIN.fullmatch(domain)]
        if wrong:
            raise ValidationError(
                _("Not an e-mail domain: %(domains)s."), params={"domains": ", ".join(wrong)}
            )
        return domains

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        app_settings = dict(cleaned.get("settings") or {})
        app_settings.pop("organisation", None)
        organisation = cleaned.get("organisation")
        if organisation is not None:
            app_settings["organisation"] = organisation.slug
        app_settings["email_domains"] = cleaned.get("email_domains") or []
        cleaned["settings"] = app_settings
        return cleaned


admin.site.unregister(SocialApp)


@admin.register(SocialApp)
class SocialAppAdmin(social_admin.SocialAppAdmin):
    form = SocialAppForm
    list_display = ("name", "provider", "provider_id", "client_id")
