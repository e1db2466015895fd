"""Generate a national-scale data set for benchmarks: 21 regions, 290 municipalities,
six yearly plans per region with about 300 activities each, an offer per plan to the
county's municipalities with their participations, and the follow-ups.

Writes go through simple-history's bulk helper so the audit trail is as it would be in
production. Deterministic (seeded), and refuses to run twice on the same database.
"""

import random
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from actionplans.models import (
    ActionPlan,
    Activity,
    BudgetLine,
    Offer,
    OfferRecipient,
    Participation,
    SubGoal,
)
from followup.models import ActivityReport, FollowUpRound
from portal.models import Organisation
from strategy.models import (
    CollaborationArea,
    FocusArea,
    StrategicDirection,
    Strategy,
    TacticalPoint,
)

REGIONS = 21
MUNICIPALITIES = 290
YEARS = range(2021, 2027)
FOCUS_AREAS = [
    "Digital infrastruktur",
    "Digital kompetens",
    "Digital trygghet",
    "Digital innovation",
    "Digital ledning",
]
AREAS = [
    "Övergripande nivå",
    "Digital infrastruktur",
    "Välfärdstjänster",
    "Kompetens och kapacitet",
    "Öppna data",
]
WORDS = [
    "samverkan",
    "digital",
    "infrastruktur",
    "kompetens",
    "välfärd",
    "öppna",
    "data",
    "trygghet",
    "innovation",
    "ledning",
    "bredband",
    "e-tjänster",
    "informationssäkerhet",
    "mognad",
    "delaktighet",
    "pilot",
    "förstudie",
    "nätverk",
    "webbinarier",
    "kunskapslyft",
    "arkitektur",
    "interoperabilitet",
]


class Command(BaseCommand):
    help = "Generate the national-scale benchmark data set (on an empty database)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--activities", type=int, default=300, help="per region and year")
        parser.add_argument("--regions", type=int, default=REGIONS)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if Strategy.objects.filter(slug__startswith="bench-").exists():
            raise CommandError("The benchmark data set is already here.")
        rng = random.Random(2026)
        started = time.monotonic()
        with transaction.atomic():
            regions, municipalities = self._organisations(options["regions"])
            for number, region in enumerate(regions, start=1):
                self._region(rng, number, region, municipalities, options["activities"])
                self.stdout.write(f"region {number}/{len(regions)} done")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {Activity.objects.count()} activities in "
                f"{time.monotonic() - started:.0f} s."
            )
        )

    def _organisations(self, region_count):  # type: ignore[no-untyped-def]
        regions = [
            Organisation(
                name=f"Region {n:02d}",
                slug=f"bench-region-{n:02d}",
                kind=Organisation.Kind.REGION,
                county=f"Län {n:02d}",
            )
            for n in range(1, region_count + 1)
        ]
        municipalities = [
            Organisation(
                name=f"Kommun {n:03d}",
                slug=f"bench-kommun-{n:03d}",
                kind=Organisation.Kind.MUNICIPALITY,
                county=f"Län {n % region_count + 1:02d}",
            )
            for n in range(1, MUNICIPALITIES + 1)
        ]
        bulk_create_with_history(regions + municipalities, Organisation)
        regions = list(Organisation.objects.filter(slug__startswith="bench-region-"))
        municipalities = list(Organisation.objects.filter(slug__startswith="bench-kommun-"))
        return regions, municipalities

    def _region(self, rng, number, region, municipalities, per_year):  # type: ignore[no-untyped-def]
        strategy = Strategy.objects.create(
            title=f"Digitaliseringsstrategi för {region.county} 2021–2026",
            slug=f"bench-{number:02d}",
            owner=region,
            period_start=2021,
            period_end=2026,
            state=Strategy.State.IN_FORCE,
        )
        focus_areas = bulk_create_with_history(
            [
                FocusArea(
                    strategy=strategy, order=i, title=t, slug=slugify(t), goal=f"Mål för {t}."
                )
                for i, t in enumerate(FOCUS_AREAS)
            ],
            FocusArea,
        )
        focus_areas = list(strategy.focus_areas.all())
        directions = bulk_create_with_history(
            [
                StrategicDirection(focus_area=fa, order=i, title=f"{fa.title}: inriktning {i + 1}")
                for fa in focus_areas
                for i in range(4)
            ],
            StrategicDirection,
        )
        directions = list(StrategicDirection.objects.filter(focus_area__strategy=strategy))
        bulk_create_with_history(
            [
                TacticalPoint(direction=d, order=i, text=self._sentence(rng, 8))
                for d in directions
                for i in range(3)
            ],
            TacticalPoint,
        )
        bulk_create_with_history(
            [
                CollaborationArea(
                    strategy=strategy, order=i, name=name, slug=slugify(name), is_overall=i == 0
                )
                for i, name in enumerate(AREAS)
            ],
            CollaborationArea,
        )
        areas = list(strategy.collaboration_areas.all())
        county = [m for m in municipalities if m.county == region.county] or municipalities[:12]
        leads = [region, *county]

        for year in YEARS:
            state = ActionPlan.State.CLOSED if year < 2026 else ActionPlan.State.PUBLISHED
            plan = ActionPlan.objects.create(
                strategy=strategy,
                year=year,
                title=f"Aktiviteter {year}",
                state=state,
            )
            activities = [
                Activity(
                    plan=plan,
                    order=i,
                    title=self._sentence(rng, 6).capitalize(),
                    description=self._sentence(rng, 40),
                    kind=rng.choice(Activity.Kind.values),
                    collaboration_area=areas[i % len(areas)],
                    lead_organisation=rng.choice(leads),
                    start_date=date(year, 1, 1),
                    end_date=date(year, 12, 31),
                    status=rng.choice(Activity.Status.values),
                    expected_benefits=self._sentence(rng, 20),
                )
                for i in range(per_year)
            ]
            bulk_create_with_history(activities, Activity)
            activities = list(plan.activities.all())
            self._links(rng, activities, focus_areas, directions)
            bulk_create_with_history(
                [
                    SubGoal(
                        activity=a,
                        order=1,
                        title=self._sentence(rng, 8),
                        planned_count=2,
                        count_period=SubGoal.Period.TERM,
                    )
                    for a in activities
                ],
                SubGoal,
            )
            bulk_create_with_history(
                [
                    BudgetLine(
                        activity=a,
                        kind=kind,
                        year=year,
                        label=label,
                        amount=rng.randrange(50_000, 900_000, 1000),
                    )
                    for a in activities[::5]
                    for kind, label in (
                        (BudgetLine.Kind.COST, "Egen personal"),
                        (BudgetLine.Kind.FINANCING, "Rambudget"),
                    )
                ],
                BudgetLine,
            )
            self._offer(rng, plan, activities, county, region)
            follow_up = FollowUpRound.objects.create(
                plan=plan,
                year=year,
                deadline=date(year, 12, 15),
                state=FollowUpRound.State.CLOSED if year < 2026 else FollowUpRound.State.OPEN,
            )
            bulk_create_with_history(
                [
                    ActivityReport(
                        round=follow_up,
                        activity=a,
                        state=ActivityReport.State.SUBMITTED,
                        status=a.status,
                        progress=rng.randrange(0, 101, 5),
                        traffic_light=rng.choice(ActivityReport.TrafficLight.values),
                        work_done=self._sentence(rng, 30),
                    )
                    for a in activities
                ],
                ActivityReport,
            )

    @staticmethod
    def _offer(rng, plan, activities, county, region):  # type: ignore[no-untyped-def]
        """The year's offer to the county's municipalities; each answers about a third of
        the activities."""
        from portal.models import User

        sender, _ = User.objects.get_or_create(
            username=f"bench-samordnare-{region.slug}", defaults={"organisation": region}
        )
        offer = Offer.objects.create(
            plan=plan,
            title=f"Erbjudande om deltagande {plan.year}",
            deadline=date(plan.year + 1 if plan.year == 2026 else plan.year, 2, 1),
            sent_by=sender,
        )
        offer.activities.set(activities)
        bulk_create_with_history(
            [OfferRecipient(offer=offer, organisation=m) for m in county], OfferRecipient
        )
        bulk_create_with_history(
            [
                Participation(
                    offer=offer,
                    activity=a,
                    organisation=m,
                    answer=rng.choice(Participation.Answer.values),
                    contact_person=f"Kontakt {m.name}",
                    answered_by=sender,
                )
                for m in county
                for a in rng.sample(activities, len(activities) // 3)
            ],
            Participation,
        )

    @staticmethod
    def _links(rng, activities, focus_areas, directions):  # type: ignore[no-untyped-def]
        # Through rows of the links; their history is kept by the m2m history tables of
        # Activity only for edits made in the portal, which is what the audit trail is for.
        focus_through = Activity.focus_areas.through
        direction_through = Activity.directions.through
        focus_rows, direction_rows = [], []
        for activity in activities:
            for fa in rng.sample(focus_areas, 2):
                focus_rows.append(focus_through(activity_id=activity.pk, focusarea_id=fa.pk))
            for d in rng.sample(directions, 2):
                direction_rows.append(
                    direction_through(activity_id=activity.pk, strategicdirection_id=d.pk)
                )
        focus_through.objects.bulk_create(focus_rows)
        direction_through.objects.bulk_create(direction_rows)

    @staticmethod
    def _sentence(rng, words):  # type: ignore[no-untyped-def]
        return " ".join(rng.choice(WORDS) for _ in range(words))
