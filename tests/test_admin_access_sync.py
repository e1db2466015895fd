"""A membership changed in the admin changes access to the plans at once."""

from actionplans.access import plan_access
from portal.models import Membership
from tests.factories import UserFactory


def test_adding_and_removing_a_membership_in_the_admin(client, programme):
    draft_plan = programme.draft_plan
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    newcomer = UserFactory()
    client.force_login(admin_user)
    body = programme.strategy_group
    response = client.post(
        "/admin/portal/membership/add/",
        {"body": body.pk, "user": newcomer.pk, "role": "member", "since": ""},
    )
    assert response.status_code == 302, response.content[:500]
    assert plan_access(newcomer, draft_plan).can_comment

    membership = Membership.objects.get(user=newcomer)
    client.post(f"/admin/portal/membership/{membership.pk}/delete/", {"post": "yes"})
    assert not plan_access(newcomer, draft_plan).can_work_on
