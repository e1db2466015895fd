"""The offer pages: sending, the answer form, a late answer, the matrix per role."""

from datetime import timedelta

from django.core import mail

from actionplans import tasks
from actionplans.models import ActionPlan, Offer, Participation
from portal.dates import today
from portal.models import Organisation, User
from tests.conftest import demo_user


def _send(client, plan, deadline_days=10):
    client.force_login(demo_user("samordnare"))
    activities = list(plan.activities.order_by("pk").values_list("pk", flat=True)[:2])
    organisations = list(
        Organisation.objects.filter(
            slug__in=["kumla-kommun", "nora-kommun", "orebro-kommun"]
        ).values_list("pk", flat=True)
    )
    response = client.post(
        f"/planarbete/{plan.pk}/nytt-erbjudande/",
        {
            "title": "Erbjudande om deltagande 2023",
            "text": "Anmäl er senast sista svarsdag.",
            "deadline": (today() + timedelta(days=deadline_days)).isoformat(),
            "reminder_days": "7",
            "activities": activities,
            "organisations": organisations,
        },
    )
    return response


def _answer_data(offer, **answers):
    data = {}
    for index, activity in enumerate(offer.activities.order_by("pk")):
        data[f"a{activity.pk}-answer"] = answers.get(f"a{index}", "")
        data[f"a{activity.pk}-contact"] = "Anna Andersson" if answers.get(f"a{index}") else ""
        data[f"a{activity.pk}-comment"] = ""
    return data


def test_send_answer_and_see_the_matrix(client, published_plan, django_capture_on_commit_callbacks):
    User.objects.filter(is_contact=True).update(email="kontakt@example.org")
    with django_capture_on_commit_callbacks() as callbacks:
        response = _send(client, published_plan)
    offer = Offer.objects.latest("sent_at")
    assert response["Location"] == offer.get_absolute_url()
    assert len(callbacks) == 1  # the mails are queued for the worker once the offer is saved
    tasks.send_offer_mails(offer.pk)  # what the worker runs
    assert len(mail.outbox) == 3  # Kumla, Nora and Örebro each have a contact

    client.force_login(demo_user("kontakt-kumla"))
    page = client.get(f"/erbjudanden/{offer.pk}/svara/")
    assert page.status_code == 200 and "Kumla kommun" in page.content.decode()
    client.post(f"/erbjudanden/{offer.pk}/svara/", _answer_data(offer, a0="yes", a1="no"))
    client.force_login(demo_user("kontakt-nora"))
    client.post(f"/erbjudanden/{offer.pk}/svara/", _answer_data(offer, a0="yes"))
    assert Participation.objects.filter(offer=offer, answer="yes").count() == 2

    client.force_login(demo_user("samordnare"))
    html = client.get(offer.get_absolute_url()).content.decode()
    assert "Kumla kommun" in html and "Nora kommun" in html
    assert "2 av 3" in html or "2 of 3" in html  # organisations that have answered
    export = client.get(f"/erbjudanden/{offer.pk}/export.xlsx")
    assert export.status_code == 200


def test_a_late_answer_is_refused_with_a_clear_message(client, published_plan):
    _send(client, published_plan)
    offer = Offer.objects.latest("sent_at")
    Offer.objects.filter(pk=offer.pk).update(deadline=today() - timedelta(days=1))
    client.force_login(demo_user("kontakt-kumla"))
    response = client.post(f"/erbjudanden/{offer.pk}/svara/", _answer_data(offer, a0="yes"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "Sista svarsdag var" in html or "The deadline was" in html
    assert not Participation.objects.filter(offer=offer).exists()


def test_contacts_see_totals_until_the_plan_is_published(client, published_plan):
    _send(client, published_plan)
    offer = Offer.objects.latest("sent_at")
    client.force_login(demo_user("kontakt-nora"))
    client.post(f"/erbjudanden/{offer.pk}/svara/", _answer_data(offer, a0="yes"), follow=True)
    ActionPlan.objects.filter(pk=published_plan.pk).update(state=ActionPlan.State.APPROVED)
    client.force_login(demo_user("kontakt-kumla"))
    html = client.get(offer.get_absolute_url()).content.decode()
    assert "Nora kommun" not in html  # not by name
    assert "1 deltar" in html or "1 take part" in html  # but in the totals
    assert client.get(f"/erbjudanden/{offer.pk}/export.xlsx").status_code == 403
    ActionPlan.objects.filter(pk=published_plan.pk).update(state=ActionPlan.State.PUBLISHED)
    assert "Nora kommun" in client.get(offer.get_absolute_url()).content.decode()


def test_commitments_page(client, published_plan):
    _send(client, published_plan)
    offer = Offer.objects.latest("sent_at")
    client.force_login(demo_user("kontakt-kumla"))
    client.post(f"/erbjudanden/{offer.pk}/svara/", _answer_data(offer, a0="yes"))
    client.logout()
    html = client.get("/organisationer/kumla-kommun/atagande/").content.decode()
    assert offer.activities.order_by("pk").first().title in html


def test_a_contact_cannot_answer_for_another_organisation_through_the_url(client, demo):
    """kontakt-kumla cannot change Örebro's answers in the demo offer."""
    offer = Offer.objects.get(title="Erbjudande om deltagande i Aktiviteter 2023")
    orebro_before = list(
        Participation.objects.filter(offer=offer, organisation__slug="orebro-kommun")
        .order_by("pk")
        .values_list("answer", flat=True)
    )
    client.force_login(demo_user("kontakt-kumla"))
    data = {}
    for activity in offer.activities.all():
        data[f"a{activity.pk}-answer"] = "no"
        data[f"a{activity.pk}-contact"] = ""
        data[f"a{activity.pk}-comment"] = ""
    client.post(f"/erbjudanden/{offer.pk}/svara/?organisation=orebro-kommun", data)
    after = list(
        Participation.objects.filter(offer=offer, organisation__slug="orebro-kommun")
        .order_by("pk")
        .values_list("answer", flat=True)
    )
    assert after == orebro_before
    # What was posted became Kumla's own answers.
    kumla = Participation.objects.filter(offer=offer, organisation__slug="kumla-kommun")
    assert kumla.count() == offer.activities.count()
