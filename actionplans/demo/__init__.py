"""Demo action plans from the seeds: *Aktiviteter 2023* (published) and *Aktiviteter 2024*,
which holds the 2024–2026 project with its sub-goals and budget and awaits the steering
group's decision (submitted for review, with the strategy group's comment)."""

from datetime import timedelta
from pathlib import Path

from actionplans.access import plan_access
from actionplans.models import (
    ActionPlan,
    Activity,
    BudgetLine,
    Offer,
    OfferMail,
    OfferRecipient,
    Participation,
    SubGoal,
)
from actionplans.services.permissions import access_sync
from actionplans.services.plans import plan_comment, plan_transition
from portal.dates import today
from portal.models import Organisation, User
from portal.seeding import Seeder, read_yaml, text
from strategy.models import CollaborationArea, FocusArea, StrategicDirection, Strategy

DATA = Path(__file__).parent
PLAN_FILES = ["orebro_2023.yaml", "orebro_2024.yaml"]


def seed(seeder: Seeder) -> None:
    new_plans = []
    for name in PLAN_FILES:
        data = read_yaml(DATA / name)
        plan = _seed_plan(seeder, data)
        if plan is not None:
            new_plans.append((plan, data.get("workflow") or []))
    _seed_offer(seeder, read_yaml(DATA / "orebro_offer.yaml")["offer"])
    # Who may edit, comment on and approve the plans follows from the bodies' members.
    for strategy in Strategy.objects.all():
        access_sync(strategy=strategy)
    for plan, steps in new_plans:
        _seed_workflow(plan, steps)


def _seed_workflow(plan: ActionPlan, steps: list[dict]) -> None:
    """A new demo plan's way through the workflow so far, taken by the demo's people
    through the services (once the permissions are there), so that its state, history
    and events are those the portal itself would have made."""
    for step in steps:
        user = User.objects.get(username=step["by"])
        access = plan_access(user, plan)
        if "step" in step:
            plan_transition(
                plan=plan,
                name=step["step"],
                user=user,
                access=access,
                comment=text(step.get("comment")),
            )
        else:
            plan_comment(plan=plan, user=user, access=access, comment=text(step["comment"]))


def _seed_plan(seeder: Seeder, data: dict) -> ActionPlan | None:
    head = data["plan"]
    strategy = Strategy.objects.get(slug=head["strategy"])
    # A demo plan is created once. After that it belongs to the people working on it: a
    # later run must not undo their workflow steps or drop the activities they added.
    if ActionPlan.objects.filter(strategy=strategy, year=head["year"]).exists():
        return None
    plan = seeder.upsert(
        ActionPlan,
        {"strategy": strategy, "year": head["year"], "revision": 1},
        {
            "title": head["title"],
            "state": head["state"],
            "introduction": text(head.get("introduction")),
        },
    )
    activities = [
        _seed_activity(seeder, plan, order, row)
        for order, row in enumerate(data.get("activities") or [], start=1)
    ]
    seeder.prune(plan.activities.all(), activities)
    return plan


def _seed_activity(seeder: Seeder, plan: ActionPlan, order: int, row: dict) -> Activity:
    strategy = plan.strategy
    description = "\n\n".join(
        part for part in (text(row.get("grant_requested")), text(row.get("description"))) if part
    )
    activity = seeder.upsert(
        Activity,
        {"plan": plan, "order": order},
        {
            "title": text(row["title"]),
            "description": description,
            "kind": row.get("kind", Activity.Kind.ACTIVITY),
            "collaboration_area": CollaborationArea.objects.get(
                strategy=strategy, name=row["collaboration_area"]
            ),
            "lead_organisation": Organisation.objects.get(name=row["lead_organisation"]),
            "start_date": row.get("start"),
            "end_date": row.get("end"),
            "expected_benefits": text(row.get("expected_benefits")),
        },
    )
    seeder.set_m2m(
        activity,
        "focus_areas",
        [FocusArea.objects.get(strategy=strategy, title=title) for title in row["focus_areas"]],
    )
    seeder.set_m2m(
        activity,
        "directions",
        [
            StrategicDirection.objects.get(focus_area__strategy=strategy, title=title)
            for title in row.get("directions") or []
        ],
    )

    sub_goals = [
        seeder.upsert(
            SubGoal,
            {"activity": activity, "order": sub_order},
            {
                "title": text(sub["title"]),
                "steps": "\n".join(sub.get("steps") or []),
                "planned_count": sub.get("planned_count"),
                "count_period": sub.get("count_period") or "",
            },
        )
        for sub_order, sub in enumerate(row.get("sub_goals") or [], start=1)
    ]
    seeder.prune(activity.sub_goals.all(), sub_goals)

    budget = row.get("budget") or {}
    lines = []
    for kind, key, label_key in (
        (BudgetLine.Kind.COST, "costs", "category"),
        (BudgetLine.Kind.FINANCING, "financing", "source"),
    ):
        for line_order, line in enumerate(budget.get(key) or [], start=1):
            for year, amount in line["amounts"].items():
                lines.append(
                    seeder.upsert(
                        BudgetLine,
                        {
                            "activity": activity,
                            "kind": kind,
                            "label": line[label_key],
                            "year": year,
                        },
                        {
                            "amount": amount,
                            "order": line_order,
                            "public_funding": line.get("public", True),
                        },
                    )
                )
    seeder.prune(activity.budget_lines.all(), lines)
    return activity


def _seed_offer(seeder: Seeder, data: dict) -> None:
    """An open offer with some answers. Created once, like the plans: after that the
    answers belong to the organisations (and the deadline stays where it was set)."""
    plan = ActionPlan.objects.get(
        strategy__slug=data["plan"]["strategy"], year=data["plan"]["year"]
    )
    if plan.offers.exists():
        return
    sent_by = User.objects.get(username=data["sent_by"])
    offer = seeder.upsert(
        Offer,
        {"plan": plan, "title": data["title"]},
        {
            "text": text(data["text"]),
            "deadline": today() + timedelta(days=data["days_to_deadline"]),
            "reminder_days": data["reminder_days"],
            "sent_by": sent_by,
        },
    )
    activities = list(plan.activities.filter(removed_at__isnull=True))
    seeder.set_m2m(offer, "activities", activities)
    by_title = {a.title: a for a in activities}
    for organisation in Organisation.objects.filter(collaborates=True):
        seeder.upsert(OfferRecipient, {"offer": offer, "organisation": organisation})
    # Mails for the demo offer count as sent: loading a demo must not mail anyone.
    for organisation_id in offer.recipients.values_list("organisation_id", flat=True):
        OfferMail.objects.get_or_create(
            offer=offer,
            key=f"offer:{organisation_id}",
            defaults={"kind": OfferMail.Kind.OFFER, "organisation_id": organisation_id},
        )
    for row in data["answers"]:
        organisation = Organisation.objects.get(name=row["organisation"])
        for title, answer in row["activities"].items():
            seeder.upsert(
                Participation,
                {"offer": offer, "activity": by_title[title], "organisation": organisation},
                {
                    "answer": answer,
                    "contact_person": row["contact_person"] if answer == "yes" else "",
                    "answered_by": User.objects.get(username=row["by"]),
                },
            )
