"""Who answers offers for an organisation: a guardian object permission that follows the
contact flag."""

from portal.models import Organisation
from portal.services import contact_access_sync
from tests.conftest import demo_user


def test_demo_contacts_answer_for_their_municipality(demo):
    kumla = demo_user("kontakt-kumla")
    assert kumla.has_perm("portal.answer_offers", kumla.organisation)
    assert not kumla.has_perm(
        "portal.answer_offers", Organisation.objects.get(slug="orebro-kommun")
    )
    assert not demo_user("samordnare").has_perm(
        "portal.answer_offers", demo_user("samordnare").organisation
    )


def test_the_grant_follows_the_flag_and_the_organisation(demo):
    user = demo_user("kontakt-kumla")
    nora = Organisation.objects.get(slug="nora-kommun")
    user.organisation = nora
    user.save()
    contact_access_sync(user=user)
    user = demo_user("kontakt-kumla")  # a fresh object: guardian caches per instance
    assert user.has_perm("portal.answer_offers", nora)
    assert not user.has_perm("portal.answer_offers", Organisation.objects.get(slug="kumla-kommun"))
    user.is_contact = False
    user.save()
    contact_access_sync(user=user)
    assert not demo_user("kontakt-kumla").has_perm("portal.answer_offers", nora)


def test_the_admin_keeps_the_grant_in_step(client, demo):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = demo_user("kontakt-nora")
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "organisation": user.organisation_id,
        "job_title": user.job_title,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }  # is_contact left out: unticked
    response = client.post(f"/admin/portal/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content[:800]
    assert not demo_user("kontakt-nora").has_perm("portal.answer_offers", user.organisation)
