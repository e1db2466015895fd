"""portal.services' membership writes: who may add and end memberships (portal.access),
what they refuse, and that the rights the body gives follow at once, through the
listeners the apps register in portal.memberships."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal import services
from portal.access import can_manage_members, needs_second_factor
from portal.dates import today
from portal.models import Membership
from portal.selectors import body_former_members, body_members, people_search
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def newcomer(programme):
    return UserFactory(
        username="ny", first_name="Nils", last_name="Nykomling", organisation=programme.region
    )


def add(programme, person, *, body=None, role=Membership.Role.MEMBER, since=None, user=None):
    return services.membership_add(
        body=body or programme.steering_group,
        person=person,
        role=role,
        since=since,
        user=user or programme.coordinator,
    )


def test_adding_to_the_steering_group_lets_them_approve_at_once(programme, newcomer):
    assert not programme.access(newcomer).can_approve
    membership = add(programme, newcomer)
    assert membership.since == today()
    access = programme.access(newcomer)
    assert access.can_approve and access.can_comment and not access.can_edit_plan
    assert newcomer in [m.user for m in body_members(programme.steering_group)]
    assert membership.history.latest().history_user == programme.coordinator


def test_ending_the_membership_takes_the_rights_away_and_keeps_it(programme, newcomer):
    membership = add(programme, newcomer, since=today() - timedelta(days=30))
    assert services.membership_end(membership=membership, user=programme.coordinator)
    assert not programme.access(newcomer).can_approve
    membership.refresh_from_db()
    assert membership.ended_on == today()
    assert body_former_members(programme.steering_group) == [membership]
    assert newcomer not in [m.user for m in body_members(programme.steering_group)]
    assert membership.history.count() == 2  # added, then ended; never deleted


def test_ending_twice_does_nothing_the_second_time(programme):
    membership = Membership.objects.get(user=programme.steering, body=programme.steering_group)
    assert services.membership_end(membership=membership, user=programme.coordinator)
    assert not services.membership_end(membership=membership, user=programme.coordinator)
    assert membership.history.count() == 2


def test_a_former_member_can_be_added_again(programme):
    membership = Membership.objects.get(user=programme.steering, body=programme.steering_group)
    services.membership_end(membership=membership, user=programme.coordinator)
    again = add(programme, programme.steering, role=Membership.Role.CHAIR)
    assert again.pk != membership.pk
    assert programme.access(programme.steering).can_approve
    assert len(body_former_members(programme.steering_group)) == 1


def test_adding_someone_twice_is_refused_with_a_message(programme, newcomer):
    add(programme, newcomer)
    with pytest.raises(ValidationError, match="är redan medlem i"):
        add(programme, newcomer, role=Membership.Role.CHAIR)
    assert Membership.objects.filter(user=newcomer).count() == 1


def test_lead_of_a_collaboration_group_edits_its_area(programme, newcomer):
    access = programme.access(newcomer)
    assert not access.can_edit_area(programme.area.pk)
    add(programme, newcomer, body=programme.group, role=Membership.Role.LEAD)
    assert programme.access(newcomer).can_edit_area(programme.area.pk)


def test_a_start_in_the_future_is_refused(programme, newcomer):
    with pytest.raises(ValidationError, match="lägg till personen den dagen de börjar"):
        add(programme, newcomer, since=today() + timedelta(days=1))
    assert not Membership.objects.filter(user=newcomer).exists()


def test_an_unknown_role_is_refused(programme, newcomer):
    with pytest.raises(ValidationError, match="Välj en av rollerna som finns"):
        add(programme, newcomer, role="king")


def test_a_closed_account_is_refused(programme, newcomer):
    newcomer.is_active = False
    newcomer.save()
    with pytest.raises(ValidationError, match="är stängt"):
        add(programme, newcomer)


def test_someone_the_coordinator_may_not_see_is_refused(programme):
    hidden = UserFactory(
        organisation=OrganisationFactory(name="Utomstående AB", collaborates=False)
    )
    with pytest.raises(ValidationError, match="Välj en person som sökningen hittade"):
        add(programme, hidden)
    staff = UserFactory(organisation=programme.region, is_staff=True)
    assert add(programme, hidden, user=staff).user == hidden


@pytest.mark.parametrize("who", ["steering", "commenter", "lead", "member", "outsider", "contact"])
def test_only_coordinators_and_staff_manage_members(programme, newcomer, who):
    user = getattr(programme, who)
    assert not can_manage_members(user, programme.steering_group)
    with pytest.raises(PermissionDenied, match="Only staff and the programme's coordinators"):
        add(programme, newcomer, user=user)
    membership = Membership.objects.get(user=programme.steering, body=programme.steering_group)
    with pytest.raises(PermissionDenied, match="Only staff and the programme's coordinators"):
        services.membership_end(membership=membership, user=user)


def test_the_chair_does_not_pick_the_members(programme, newcomer):
    chair = UserFactory(organisation=programme.region)
    MembershipFactory(user=chair, body=programme.steering_group, role=Membership.Role.CHAIR)
    assert not can_manage_members(chair, programme.steering_group)


def test_coordinators_do_not_pick_the_coordinators(programme, newcomer):
    assert can_manage_members(programme.coordinator, programme.steering_group)
    assert not can_manage_members(programme.coordinator, programme.coordinators)
    with pytest.raises(PermissionDenied, match="Only staff"):
        add(programme, newcomer, body=programme.coordinators, role=Membership.Role.COORDINATOR)
    staff = UserFactory(organisation=programme.region, is_staff=True)
    add(programme, newcomer, body=programme.coordinators, user=staff)
    assert programme.access(newcomer).can_edit_plan
    assert needs_second_factor(newcomer)


def test_a_former_coordinator_manages_nothing(programme):
    membership = Membership.objects.get(user=programme.coordinator, body=programme.coordinators)
    staff = UserFactory(organisation=programme.region, is_staff=True)
    services.membership_end(membership=membership, user=staff)
    assert not can_manage_members(programme.coordinator, programme.steering_group)
    assert not programme.access(programme.coordinator).can_edit_plan
    assert not needs_second_factor(programme.coordinator)


def test_search_finds_by_name_email_and_organisation(programme, newcomer):
    def found(query):
        people, more = people_search(
            user=programme.coordinator, body=programme.steering_group, query=query
        )
        assert not more
        return people

    assert found("nykom") == [newcomer]
    assert found("ny@example") == [newcomer]
    assert programme.contact in found("Testlän kommun")
    assert found("Nils Region") == [newcomer]  # every word, in any field
    # Current members are not offered; a former one is.
    assert found(programme.steering.username) == []
    membership = Membership.objects.get(user=programme.steering, body=programme.steering_group)
    services.membership_end(membership=membership, user=programme.coordinator)
    assert found(programme.steering.username) == [programme.steering]
    assert found("") == []


def test_search_shows_at_most_twenty_and_says_there_are_more(programme):
    UserFactory.create_batch(21, last_name="Många", organisation=programme.region)
    people, more = people_search(
        user=programme.coordinator, body=programme.steering_group, query="många"
    )
    assert len(people) == 20 and more


def test_search_leaves_out_whom_the_coordinator_may_not_see(programme):
    UserFactory(last_name="Dold", organisation=OrganisationFactory(collaborates=False))
    UserFactory(last_name="Dold", organisation=programme.region, is_active=False)
    UserFactory(last_name="Dold", organisation=None)
    people, _more = people_search(
        user=programme.coordinator, body=programme.steering_group, query="dold"
    )
    assert people == []
    staff = UserFactory(organisation=programme.region, is_staff=True)
    people, _more = people_search(user=staff, body=programme.steering_group, query="dold")
    assert len(people) == 2  # every active account


def test_a_former_member_reads_and_receives_nothing_as_one(programme):
    from followup.tasks import body_addresses
    from portal.access import is_member
    from portal.selectors import member_bodies, memberships_for_user

    body = programme.steering_group
    membership = Membership.objects.get(user=programme.steering, body=body)
    assert programme.steering.email in body_addresses(body)
    services.membership_end(membership=membership, user=programme.coordinator)
    assert programme.steering.email not in body_addresses(body)
    assert not is_member(programme.steering, body)
    assert body not in member_bodies(programme.steering)
    assert list(memberships_for_user(user=programme.steering)) == []
