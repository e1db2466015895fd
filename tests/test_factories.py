"""The programme made in code for tests: each role gets what its body grants."""

from actionplans.access import plan_access


def test_programme_roles(programme):
    p = programme
    a = plan_access(p.coordinator, p.draft_plan)
    assert a.can_edit_plan and a.can_comment and not a.can_approve
    a = plan_access(p.steering, p.draft_plan)
    assert a.can_approve and not a.can_edit_plan
    a = plan_access(p.commenter, p.draft_plan)
    assert a.can_comment and not a.can_approve
    a = plan_access(p.lead, p.draft_plan)
    assert a.area_ids == {p.area.pk} and not a.can_edit_plan
    for u in (p.member, p.outsider, p.contact):
        assert not plan_access(u, p.draft_plan).can_work_on
    assert p.contact.has_perm("portal.answer_offers", p.municipality)
