"""portal.access.BodyAccess: who keeps a body's meetings and who reads what its members read
(draft minutes, non-public decisions)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.access import BodyAccess, body_access
from portal.models import Decision, Meeting, Membership
from tests.factories import BodyFactory, MembershipFactory, UserFactory


@pytest.mark.parametrize(
    ("role", "manages", "insider"),
    [
        (Membership.Role.CHAIR, True, True),
        (Membership.Role.SECRETARY, True, True),
        (Membership.Role.MEMBER, False, True),
    ],
)
def test_the_bodys_people(db, role, manages, insider):
    membership = MembershipFactory(role=role)
    access = body_access(membership.user, membership.body)
    assert (access.can_manage, access.is_insider) == (manages, insider)


def test_others_neither_keep_nor_read_as_members(db):
    body = BodyFactory()
    for user in (UserFactory(), AnonymousUser()):
        assert body_access(user, body) == BodyAccess(can_manage=False, is_insider=False)


def test_insiders_read_draft_minutes_and_non_public_decisions():
    draft, published = Meeting(minutes_published=False), Meeting(minutes_published=True)
    secret, public = Decision(is_public=False), Decision(is_public=True)
    outsider, insider = BodyAccess(), BodyAccess(is_insider=True)
    assert outsider.can_read_minutes(published) and not outsider.can_read_minutes(draft)
    assert outsider.can_read_decision(public) and not outsider.can_read_decision(secret)
    assert insider.can_read_minutes(draft) and insider.can_read_decision(secret)
