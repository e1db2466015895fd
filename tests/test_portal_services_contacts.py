"""Who answers offers for an organisation: a guardian object permission that follows the
contact flag."""

from portal.models import Organisation, User
from portal.services import contact_access_sync
from tests.factories import OrganisationFactory


def fresh(user):
    """The user read again: guardian caches the permissions per instance."""
    return User.objects.get(pk=user.pk)


def test_contacts_answer_for_their_municipality(programme):
    contact = programme.contact
    assert contact.has_perm("portal.answer_offers", contact.organisation)
    assert not contact.has_perm("portal.answer_offers", programme.outsider.organisation)
    coordinator = programme.coordinator
    assert not coordinator.has_perm("portal.answer_offers", coordinator.organisation)


def test_the_grant_follows_the_flag_and_the_organisation(programme):
    user = programme.contact
    municipality = user.organisation
    nora = OrganisationFactory(name="Nora kommun i Testlän", kind=Organisation.Kind.MUNICIPALITY)
    user.organisation = nora
    user.save()
    contact_access_sync(user=user)
    user = fresh(user)
    assert user.has_perm("portal.answer_offers", nora)
    assert not user.has_perm("portal.answer_offers", municipality)
    user.is_contact = False
    user.save()
    contact_access_sync(user=user)
    assert not fresh(user).has_perm("portal.answer_offers", nora)


def test_the_admin_keeps_the_grant_in_step(client, programme):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = programme.contact
    assert user.has_perm("portal.answer_offers", user.organisation)
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
    assert not fresh(user).has_perm("portal.answer_offers", user.organisation)
