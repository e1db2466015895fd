"""Every model is in the admin, and each change list (with a search) and add form loads."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory, plan_project_make, published_content_make

DOMAIN_APPS = {"portal", "strategy", "actionplans", "followup"}


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def rows(programme, superuser):
    """A row or more for most change lists, several matching the search "digital": the
    programme, its plans' activities with sub-goals and budget, an offer with an answer, a
    meeting with an agenda item and a decision, and an initiative."""
    from django.utils import timezone

    from actionplans.models import Initiative, Offer, OfferRecipient, Participation
    from portal.models import Decision, Meeting
    from strategy.models import EffectGoal, OverallGoal, Perspective, TacticalPoint

    p = programme
    content = published_content_make(p)
    plan_project_make(p.draft_plan, area=content.overall_area)
    OverallGoal.objects.create(strategy=p.strategy, title="Digital konkurrenskraft")
    Perspective.objects.create(strategy=p.strategy, title="Digital delaktighet för barn")
    TacticalPoint.objects.create(direction=p.direction, text="Digitala möten")
    EffectGoal.objects.create(strategy=p.strategy, focus_area=p.focus_area, title="Digitalt mål")
    p.area.questions.create(text="Vilka digitala tjänster?")
    offer = Offer.objects.create(
        plan=p.published_plan,
        title="Digitalt erbjudande",
        deadline="2099-12-31",
        sent_by=p.coordinator,
    )
    offer.activities.set(content.activities)
    OfferRecipient.objects.create(offer=offer, organisation=p.municipality)
    Participation.objects.create(
        offer=offer,
        activity=content.secure,
        organisation=p.municipality,
        answer="yes",
        answered_by=p.contact,
    )
    now = timezone.now()
    meeting = Meeting.objects.create(
        body=p.steering_group, title="Digitalt styrgruppsmöte", starts_at=now, ends_at=now
    )
    meeting.items.create(title="Digital agenda", order=1)
    Decision.objects.create(
        body=p.steering_group, meeting=meeting, decided_on=now.date(), title="Digitalt beslut"
    )
    Initiative.objects.create(
        strategy=p.strategy,
        title="Digital tjänst för kommunerna",
        problem="Ett behov.",
        expected_benefit="En nytta.",
        proposed_kind="prestudy",
        organisation=p.municipality,
        submitted_by=p.contact,
    )
    return p


#: Models without history of their own, and why.
NOT_AUDITED = {
    # Append-only: the plan's timeline is itself the record of who did what.
    "actionplans.PlanEvent": "registered",
    # An operation log of uploads; the activities it changes carry the history.
    "actionplans.PlanImport": "registered",
    # The delivery log that makes each offer mail go once.
    "actionplans.OfferMail": "registered",
    # The same for follow-up's mails, and the review's comments are append-only.
    "followup.RoundMail": "registered",
    "followup.ReportMail": "registered",
    "followup.ReportComment": "registered",
    "strategy.ConsultationMail": "registered",
    # An initiative's timeline: append-only, the record of each step.
    "actionplans.InitiativeEvent": "registered",
    # A personal API key: its created, last-used and revoked times are its record, and the
    # admin only revokes (a key leaked or left by someone who has gone).
    "portal.ApiToken": "registered",
    # Object permissions are derived from body memberships
    # (actionplans.services.permissions.access_sync), whose history explains every grant;
    # they are not edited in the admin.
    "strategy.StrategyUserObjectPermission": "unregistered",
    "strategy.StrategyGroupObjectPermission": "unregistered",
    "strategy.CollaborationAreaUserObjectPermission": "unregistered",
    "strategy.CollaborationAreaGroupObjectPermission": "unregistered",
    "portal.OrganisationUserObjectPermission": "unregistered",
    "portal.OrganisationGroupObjectPermission": "unregistered",
    # Each activity's full-text document, written by a PostgreSQL trigger from the
    # activity's own fields (whose history it follows).
    "actionplans.ActivitySearch": "unregistered",
}


def test_every_domain_model_is_registered_with_history():
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.app_label not in DOMAIN_APPS or model.__name__.startswith("Historical"):
            continue
        exemption = NOT_AUDITED.get(model._meta.label)
        assert (model in admin.site._registry) is (exemption != "unregistered"), model
        assert hasattr(model, "history") is (exemption is None), model


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label in DOMAIN_APPS],
    ids=lambda m: m._meta.label,
)
def test_change_list_search_and_add_form(client, rows, superuser, model):
    client.force_login(superuser)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "digital"}).status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    can_add = admin.site._registry[model].has_add_permission(
        type("Request", (), {"user": superuser})()
    )
    assert client.get(add).status_code == (200 if can_add else 403)


def test_coordinator_can_use_the_admin_for_plans_only(client, programme):
    from django.contrib.auth.models import Permission

    # A coordinator as the demo sets one up: staff, with the model permissions of the plan
    # apps (not of portal, which holds the users).
    coordinator = programme.coordinator
    coordinator.is_staff = True
    coordinator.save()
    coordinator.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["strategy", "actionplans", "followup"]
        ).exclude(content_type__model__startswith="historical")
    )
    client.force_login(coordinator)
    assert client.get(reverse("admin:actionplans_activity_changelist")).status_code == 200
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403
