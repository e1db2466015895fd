"""Saving an activity: the form, its sub-goals, budget and risks, the version check."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actionplans.access import plan_access
from actionplans.forms import activity_forms
from actionplans.models import ActionPlan, Activity
from actionplans.services import activities as activity_services
from strategy.models import CollaborationArea, FocusArea
from tests.factories import PROJECT, plan_project_make


@pytest.fixture
def project(programme):
    """The draft plan's one activity: a project in the overall level's area."""
    return plan_project_make(programme.draft_plan)


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def post_data(plan, activity=None, **overrides):
    """What the form posts: the activity's fields, and its children unchanged."""
    area = CollaborationArea.objects.get(strategy=plan.strategy, name="Digital infrastruktur")
    data = {
        "title": "Gemensam bredbandskartläggning",
        "description": "Kartlägga täckningen i länets kommuner.",
        "kind": Activity.Kind.PRESTUDY,
        "status": Activity.Status.PLANNED,
        "collaboration_area": str(area.pk),
        "lead_organisation": str(plan.strategy.owner_id),
        "start_date": "2024-02-01",
        "end_date": "2024-11-30",
        "focus_areas": [
            str(FocusArea.objects.get(strategy=plan.strategy, title="Digital förmåga").pk)
        ],
        "expected_benefits": "Underlag för utbyggnad.",
        **management("sub_goals"),
        **management("budget"),
        **management("risks"),
    }
    if activity is not None:
        data.update(
            {
                "title": activity.title,
                "description": activity.description,
                "kind": activity.kind,
                "status": activity.status,
                "collaboration_area": str(activity.collaboration_area_id),
                "lead_organisation": str(activity.lead_organisation_id),
                "start_date": activity.start_date.isoformat() if activity.start_date else "",
                "end_date": activity.end_date.isoformat() if activity.end_date else "",
                "focus_areas": [
                    str(pk) for pk in activity.focus_areas.values_list("pk", flat=True)
                ],
                "directions": [str(pk) for pk in activity.directions.values_list("pk", flat=True)],
                "expected_benefits": activity.expected_benefits,
                "version": str(activity.version),
            }
        )
        for prefix, related in (
            ("sub_goals", activity.sub_goals),
            ("budget", activity.budget_lines),
            ("risks", activity.risks),
        ):
            rows = list(related.all())
            data.update(management(prefix, len(rows), len(rows)))
            for i, row in enumerate(rows):
                data[f"{prefix}-{i}-id"] = str(row.pk)
                data[f"{prefix}-{i}-activity"] = str(activity.pk)
                for field in {
                    "sub_goals": ["title", "planned_count", "count_period", "steps"],
                    "budget": ["kind", "year", "label", "amount"],
                    "risks": ["description", "likelihood", "consequence", "mitigation"],
                }[prefix]:
                    value = getattr(row, field)
                    data[f"{prefix}-{i}-{field}"] = "" if value is None else str(value)
                if prefix == "budget" and row.public_funding:
                    data[f"{prefix}-{i}-public_funding"] = "on"
    data.update(overrides)
    return data


def save(plan, user, data, instance=None):
    access = plan_access(user, plan)
    form, formsets = activity_forms(plan=plan, access=access, instance=instance, data=data)
    assert form.is_valid(), form.errors
    assert all(f.is_valid() for f in formsets), [f.errors for f in formsets]
    return activity_services.activity_save(
        form=form,
        formsets=formsets,
        user=user,
        access=access,
        expected_version=form.cleaned_data.get("version"),
    )


def test_create_with_sub_goal_budget_and_risk(programme, project):
    draft_plan = programme.draft_plan
    data = post_data(draft_plan)
    data.update(management("sub_goals", 1))
    data.update(
        {
            "sub_goals-0-title": "Två rådsmöten",
            "sub_goals-0-planned_count": "2",
            "sub_goals-0-count_period": "term",
            "sub_goals-0-steps": "",
        }
    )
    data.update(management("budget", 1))
    data.update(
        {
            "budget-0-kind": "cost",
            "budget-0-year": "2024",
            "budget-0-label": "Konsult",
            "budget-0-amount": "150000",
            "budget-0-public_funding": "on",
        }
    )
    data.update(management("risks", 1))
    data.update(
        {
            "risks-0-description": "Låg svarsfrekvens",
            "risks-0-likelihood": "4",
            "risks-0-consequence": "4",
            "risks-0-mitigation": "Påminnelser",
        }
    )
    activity = save(draft_plan, programme.coordinator, data)
    assert activity.sub_goals.get().planned_count == 2
    assert activity.budget_lines.get().amount == 150000
    risk = activity.risks.get()
    assert (risk.score, risk.level) == (16, "high")
    assert activity.focus_areas.get().title == "Digital förmåga"
    assert activity.order == draft_plan.activities.count() == 2
    # One history row for the whole save, with the links as saved.
    record = activity.history.get()
    assert record.history_user == programme.coordinator
    assert [row.focusarea.title for row in record.focus_areas.all()] == ["Digital förmåga"]


def test_an_update_raises_the_version(programme, project):
    draft_plan = programme.draft_plan
    activity = draft_plan.activities.get()
    data = post_data(draft_plan, activity, title=f"{PROJECT} 2.0")
    saved = save(draft_plan, programme.coordinator, data, instance=activity)
    assert saved.version == 2
    assert saved.sub_goals.count() == 5  # the children were posted back unchanged
    assert Activity.objects.get(pk=activity.pk).title.endswith("2.0")


def test_the_later_of_two_edits_is_refused_and_shown_the_other_change(programme, project):
    draft_plan, coordinator = programme.draft_plan, programme.coordinator
    activity = draft_plan.activities.get()
    first = post_data(draft_plan, activity, title="Ändrad av samordnaren")
    second = post_data(draft_plan, activity, title="Ändrad av någon annan", description="Ny text")
    save(draft_plan, coordinator, first, instance=Activity.objects.get(pk=activity.pk))
    # ActivityConflict carries no message: what names the rule is the change it reports.
    with pytest.raises(activity_services.ActivityConflict) as conflict:
        save(draft_plan, coordinator, second, instance=Activity.objects.get(pk=activity.pk))
    assert conflict.value.changed_by == coordinator
    titles = [(c.field, c.before, c.after) for c in conflict.value.changes if c.field == "titel"]
    assert titles == [("titel", PROJECT, "Ändrad av samordnaren")]
    assert Activity.objects.get(pk=activity.pk).title == "Ändrad av samordnaren"


def test_a_lead_edits_only_their_area(programme, project):
    draft_plan, user = programme.draft_plan, programme.lead
    data = post_data(draft_plan)
    assert save(draft_plan, user, data).collaboration_area.name == "Digital infrastruktur"
    access = plan_access(user, draft_plan)
    other_area = CollaborationArea.objects.get(strategy=draft_plan.strategy, name="Öppna data")
    form, formsets = activity_forms(
        plan=draft_plan,
        access=access,
        instance=None,
        data=post_data(draft_plan, collaboration_area=str(other_area.pk)),
    )
    assert not form.is_valid()
    assert "collaboration_area" in form.errors
    # Nor may they pull the overall level's project into their own area.
    project = draft_plan.activities.get(title=PROJECT)
    own_area = CollaborationArea.objects.get(
        strategy=draft_plan.strategy, name="Digital infrastruktur"
    )
    form, formsets = activity_forms(
        plan=draft_plan,
        access=access,
        instance=project,
        data=post_data(draft_plan, project, collaboration_area=str(own_area.pk)),
    )
    assert form.is_valid() and all(f.is_valid() for f in formsets)
    versions = project.history.count()
    with pytest.raises(PermissionDenied, match="and the area's lead change the area's activities"):
        activity_services.activity_save(
            form=form, formsets=formsets, user=user, access=access, expected_version=project.version
        )
    stored = Activity.objects.get(pk=project.pk)
    assert stored.collaboration_area.name == "Övergripande nivå"
    assert stored.version == project.version and stored.history.count() == versions


def test_activities_are_locked_outside_a_draft(programme):
    draft_plan = programme.draft_plan
    ActionPlan.objects.filter(pk=draft_plan.pk).update(state=ActionPlan.State.REVIEW)
    draft_plan.refresh_from_db()
    with pytest.raises(ValidationError, match="kan bara ändras i ett utkast"):
        save(draft_plan, programme.coordinator, post_data(draft_plan))
    assert not draft_plan.activities.exists()


def test_end_before_start_is_a_form_error(programme):
    draft_plan = programme.draft_plan
    access = plan_access(programme.coordinator, draft_plan)
    form, _ = activity_forms(
        plan=draft_plan,
        access=access,
        instance=None,
        data=post_data(draft_plan, start_date="2024-05-01", end_date="2024-04-01"),
    )
    assert not form.is_valid()
    assert "end_date" in form.errors


def test_forbidden_fields_in_the_post_are_ignored(programme, project):
    draft_plan, published_plan = programme.draft_plan, programme.published_plan
    activity = draft_plan.activities.get()
    data = post_data(
        draft_plan, activity, version="1", removed_at="2024-01-01T00:00:00Z", order="99"
    )
    data["plan"] = str(published_plan.pk)
    saved = save(draft_plan, programme.coordinator, data, instance=activity)
    saved.refresh_from_db()
    assert (saved.plan_id, saved.removed_at, saved.order) == (draft_plan.pk, None, activity.order)


def test_move_remove_and_restore(programme):
    draft_plan, user = programme.draft_plan, programme.coordinator
    access = plan_access(user, draft_plan)
    area = CollaborationArea.objects.get(strategy=draft_plan.strategy, name="Digital infrastruktur")
    lead = draft_plan.strategy.owner
    a, b = (
        Activity.objects.create(
            plan=draft_plan, title=t, collaboration_area=area, lead_organisation=lead, order=i
        )
        for i, t in ((1, "A"), (2, "B"))
    )
    activity_services.activity_move(activity=b, user=user, access=access, step=-1)
    titles = list(
        draft_plan.activities.filter(collaboration_area=area)
        .order_by("order")
        .values_list("title", flat=True)
    )
    assert titles == ["B", "A"]
    activity_services.activity_move(activity=b, user=user, access=access, step=-1)  # already first
    activity_services.activity_remove(activity=a, user=user, access=access)
    a.refresh_from_db()
    assert a.removed_at is not None
    activity_services.activity_restore(activity=a, user=user, access=access)
    a.refresh_from_db()
    assert a.removed_at is None
    assert a.history.first().history_user == user
