from dataclasses import dataclass

import factory
from django.utils.text import slugify

from actionplans.models import ActionPlan, Activity
from portal.models import Body, Membership, Organisation, User
from strategy.models import CollaborationArea, FocusArea, StrategicDirection, Strategy


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testkommun {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organisation.Kind.MUNICIPALITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("secret-password")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Grupp {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Body.Kind.STEERING_GROUP
    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.REGION)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(BodyFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    title = factory.Sequence(lambda n: f"Strategi {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    owner = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.REGION)
    period_start = 2021
    period_end = 2026
    state = Strategy.State.IN_FORCE


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Fokusområde {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    goal = "Ett mål."


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicDirection

    focus_area = factory.SubFactory(FocusAreaFactory)
    title = factory.Sequence(lambda n: f"Inriktning {n}")


class CollaborationAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollaborationArea

    strategy = factory.SubFactory(StrategyFactory)
    name = factory.Sequence(lambda n: f"Område {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    strategy = factory.SubFactory(StrategyFactory)
    year = 2025
    title = factory.LazyAttribute(lambda o: f"Aktiviteter {o.year}")
    state = ActionPlan.State.PUBLISHED


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    plan = factory.SubFactory(ActionPlanFactory)
    title = factory.Sequence(lambda n: f"Aktivitet {n}")
    collaboration_area = factory.SubFactory(
        CollaborationAreaFactory, strategy=factory.SelfAttribute("..plan.strategy")
    )
    lead_organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.REGION)


# --- A whole programme, made in code for one test ------------------------------------------------


@dataclass
class Programme:
    """A region's strategy with its bodies, one person per role and two plans.

    Tests take their users from here rather than from the demo, so that editing the demo's
    YAML breaks no test but the seed tests, the authorization matrix and the browser stories.
    The people, by role:

    - ``coordinator``: member of the coordinators body (edits every plan, comments);
    - ``steering``: member of the programme steering group (approves, comments);
    - ``commenter``: member of the strategy group (comments);
    - ``lead``: insatsledare of ``area``'s collaboration group (edits that area's activities);
    - ``contact``: a municipality's contact person (answers its offers);
    - ``member``: signed in, same region, no role;
    - ``outsider``: signed in, another municipality, no role.
    """

    region: Organisation
    municipality: Organisation
    strategy: Strategy
    coordinators: Body
    steering_group: Body
    strategy_group: Body
    group: Body
    area: CollaborationArea
    other_area: CollaborationArea
    focus_area: FocusArea
    direction: StrategicDirection
    draft_plan: ActionPlan
    published_plan: ActionPlan
    coordinator: User
    steering: User
    commenter: User
    lead: User
    contact: User
    member: User
    outsider: User

    def access(self, user: User, plan: ActionPlan | None = None):
        from actionplans.access import plan_access

        return plan_access(user, plan or self.draft_plan)


def programme_make(*, name: str = "Testlän") -> Programme:
    """Everything a workflow test needs, with the permissions granted from the memberships."""
    from actionplans.services.permissions import access_sync
    from portal.services import contact_access_sync

    region = OrganisationFactory(name=f"Region {name}", kind=Organisation.Kind.REGION)
    municipality = OrganisationFactory(name=f"{name} kommun", kind=Organisation.Kind.MUNICIPALITY)
    strategy = StrategyFactory(title=f"Digitaliseringsstrategi för {name}", owner=region)
    slug = strategy.slug

    def body(kind: str, label: str) -> Body:
        return BodyFactory(
            name=f"{label} {name}", slug=f"{slug}-{kind}", kind=kind, organisation=region
        )

    coordinators = body(Body.Kind.COORDINATORS, "Samordnare")
    steering_group = body(Body.Kind.STEERING_GROUP, "Styrgrupp")
    strategy_group = body(Body.Kind.STRATEGY_GROUP, "Strategigrupp")
    group = body(Body.Kind.COLLABORATION_GROUP, "Samverkansgrupp")
    strategy.governing_bodies.add(coordinators, steering_group, strategy_group)

    def person(username: str, organisation: Organisation, body: Body | None = None, **kwargs):
        user = UserFactory(username=f"{slug}-{username}", organisation=organisation, **kwargs)
        if body is not None:
            MembershipFactory(user=user, body=body)
        return user

    coordinator = person("coordinator", region, coordinators)
    steering = person("steering", region, steering_group)
    commenter = person("commenter", region, strategy_group)
    lead = UserFactory(username=f"{slug}-lead", organisation=region)
    MembershipFactory(user=lead, body=group, role=Membership.Role.LEAD)
    contact = person("contact", municipality, is_contact=True)
    member = person("member", region)
    outsider = person("outsider", OrganisationFactory(name=f"Annan kommun i {name}"))

    area = CollaborationAreaFactory(strategy=strategy, name="Digital infrastruktur", group=group)
    other_area = CollaborationAreaFactory(strategy=strategy, name="Öppna data", order=1)
    focus_area = FocusAreaFactory(strategy=strategy, title="Digital förmåga")
    direction = DirectionFactory(focus_area=focus_area, title="Stärka den digitala förmågan")
    published_plan = ActionPlanFactory(strategy=strategy, year=2023)
    draft_plan = ActionPlanFactory(strategy=strategy, year=2024, state=ActionPlan.State.DRAFT)
    access_sync(strategy=strategy)
    contact_access_sync(user=contact)
    return Programme(
        region=region,
        municipality=municipality,
        strategy=strategy,
        coordinators=coordinators,
        steering_group=steering_group,
        strategy_group=strategy_group,
        group=group,
        area=area,
        other_area=other_area,
        focus_area=focus_area,
        direction=direction,
        draft_plan=draft_plan,
        published_plan=published_plan,
        coordinator=coordinator,
        steering=steering,
        commenter=commenter,
        lead=lead,
        contact=contact,
        member=member,
        outsider=outsider,
    )


# --- h-tests2: activities, the project, the council and more municipalities of a programme ------


def activities_make(programme: Programme, plan: ActionPlan | None = None) -> list[Activity]:
    """Three activities of the published plan (or ``plan``), in pk order: two in ``area``,
    whose reports its lead fills, and one in ``other_area``, which has no group: its contact
    person (made here, a region employee with no other role) fills its report."""
    plan = plan or programme.published_plan
    reporter = UserFactory(
        username=f"{programme.strategy.slug}-reporter-{plan.year}", organisation=programme.region
    )

    def activity(title: str, area: CollaborationArea, order: int, **kwargs) -> Activity:
        return ActivityFactory(
            plan=plan,
            title=title,
            description=f"{title}: så gör vi.",
            collaboration_area=area,
            lead_organisation=programme.region,
            order=order,
            **kwargs,
        )

    return [
        activity("Utreda uppdrag och mandat i bredbandsfrågan", programme.area, 0),
        activity("Säkra digitala videomöten", programme.area, 1),
        activity(
            "Kunskapshöjande insatser kring öppna data", programme.other_area, 0, contact=reporter
        ),
    ]


def project_make(programme: Programme, plan: ActionPlan | None = None) -> Activity:
    """The draft plan's (or ``plan``'s) one activity: a project 2024–2026 in ``other_area``
    (not the lead's) with five sub-goals, the second counted per term (council meetings),
    and a budget of two cost and two financing lines for each of its three years (twelve
    lines), as the demo's "Regional digitaliseringsutveckling"."""
    from datetime import date

    from actionplans.models import BudgetLine, SubGoal

    plan = plan or programme.draft_plan
    project = ActivityFactory(
        plan=plan,
        title="Regional digitaliseringsutveckling",
        description="Projektet ska stärka samverkan mellan regionen och länets parter.",
        kind=Activity.Kind.PROJECT,
        collaboration_area=programme.other_area,
        lead_organisation=programme.region,
        start_date=date(2024, 1, 1),
        end_date=date(2026, 12, 31),
        expected_benefits="Stärkt samverkan kring digitalisering.",
    )
    project.focus_areas.add(programme.focus_area)
    for order, (title, count, period) in enumerate(
        [
            ("Driva de två styrgrupperna", None, ""),
            ("Driva digitaliseringsrådet med länets kommuner", 2, SubGoal.Period.TERM),
            ("Arrangera tillfällen för erfarenhetsutbyte", 2, SubGoal.Period.TERM),
            ("Genomföra en årlig digitaliseringsdag", 1, SubGoal.Period.YEAR),
            ("Genomföra aktiviteterna i de årliga handlingsplanerna", None, ""),
        ]
    ):
        SubGoal.objects.create(
            activity=project,
            order=order,
            title=title,
            planned_count=count,
            count_period=period,
            steps="Planera\nGenomföra",
        )
    budget = [
        (BudgetLine.Kind.COST, "Egen personal", (935701, 969185, 1004530)),
        (BudgetLine.Kind.COST, "Indirekta kostnader", (93570, 96919, 100453)),
        (BudgetLine.Kind.FINANCING, "Regionens 1:1-medel", (350000, 350000, 350000)),
        (BudgetLine.Kind.FINANCING, "Regionens rambudgetmedel", (679271, 716104, 754983)),
    ]
    for order, (kind, label, amounts) in enumerate(budget):
        for year, amount in zip((2024, 2025, 2026), amounts, strict=True):
            BudgetLine.objects.create(
                activity=project, kind=kind, year=year, label=label, amount=amount, order=order
            )
    return project


def council_make(programme: Programme) -> tuple[Body, User]:
    """The programme's digitalisation council (a governing body: its members comment) and its
    chair, from the municipality, who keeps the council's meetings."""
    from actionplans.services.permissions import access_sync

    council = BodyFactory(
        name=f"Digitaliseringsrådet {programme.region.name}",
        slug=f"{programme.strategy.slug}-council",
        kind=Body.Kind.DIGITALISATION_COUNCIL,
        organisation=programme.region,
    )
    programme.strategy.governing_bodies.add(council)
    chair = UserFactory(
        username=f"{programme.strategy.slug}-council-chair", organisation=programme.municipality
    )
    MembershipFactory(user=chair, body=council, role=Membership.Role.CHAIR)
    access_sync(strategy=programme.strategy)
    return council, chair


def municipalities_make(programme: Programme, *names: str) -> list[User]:
    """A collaborating municipality per name (``"Norrby"`` -> Norrby kommun), each with a
    contact person who answers its offers; returns the contacts, in the order of the names
    (``contact.organisation`` is the municipality)."""
    from portal.services import contact_access_sync

    contacts = []
    for name in names:
        municipality = OrganisationFactory(
            name=f"{name} kommun", kind=Organisation.Kind.MUNICIPALITY
        )
        contact = UserFactory(
            username=f"{programme.strategy.slug}-contact-{slugify(name)}",
            organisation=municipality,
            is_contact=True,
        )
        contact_access_sync(user=contact)
        contacts.append(contact)
    return contacts


# --- h-tests: a programme's plans with content, made in code -------------------------------------

#: The draft plan's project (as the demo's "Regional digitaliseringsutveckling", with a title
#: of its own so that a search across all plans finds this one only).
PROJECT = "Regional digitaliseringsutveckling i Testlän"
#: One activity of the published plan, with words no other activity has.
SECURE = "Testläns säkra kommunikation (TSK)"
#: The project's budget over its three years: costs, which the financing matches.
PROJECT_TOTAL = "3 200 358"


def overall_area_make(strategy: Strategy) -> CollaborationArea:
    """The strategy's overall level (made once): an area without a group, so no lead edits it."""
    area, _ = CollaborationArea.objects.get_or_create(
        strategy=strategy,
        slug="overgripande-niva",
        defaults={"name": "Övergripande nivå", "is_overall": True, "order": 2},
    )
    return area


def plan_project_make(plan: ActionPlan, *, area: CollaborationArea | None = None) -> Activity:
    """A three-year project shaped like the demo's: five sub-goals (order 1 to 5), one focus
    area, and costs and financing of 3 200 358 kronor in all, in the overall level's area."""
    from actionplans.models import BudgetLine, SubGoal

    strategy = plan.strategy
    project = Activity.objects.create(
        plan=plan,
        order=1,
        title=PROJECT,
        description="Projektet ska stärka samverkan mellan regionen och länets parter.",
        kind=Activity.Kind.PROJECT,
        collaboration_area=area or overall_area_make(strategy),
        lead_organisation=strategy.owner,
        start_date="2024-01-01",
        end_date="2026-12-31",
        expected_benefits="Stärkt samverkan kring digitalisering.",
    )
    project.focus_areas.set([FocusArea.objects.filter(strategy=strategy).order_by("pk").first()])
    for order, (title, count, period) in enumerate(
        [
            ("Driva styrgrupperna", None, ""),
            ("Driva digitaliseringsrådet", 2, SubGoal.Period.TERM),
            ("Arrangera erfarenhetsutbyten", 2, SubGoal.Period.TERM),
            ("Genomföra en årlig länsgemensam digitaliseringsdag", 1, SubGoal.Period.YEAR),
            ("Genomföra de årliga handlingsplanernas aktiviteter", None, ""),
        ],
        start=1,
    ):
        SubGoal.objects.create(
            activity=project,
            order=order,
            title=title,
            planned_count=count,
            count_period=period,
            steps="Planera\nGenomföra",
        )
    costs = [
        ("Egen personal", {2024: 935701, 2025: 969185, 2026: 1004530}),
        ("Indirekta kostnader", {2024: 93570, 2025: 96919, 2026: 100453}),
    ]
    financing = [
        ("Regionens 1:1-medel", {2024: 350000, 2025: 350000, 2026: 350000}),
        ("Regionens rambudgetmedel", {2024: 679271, 2025: 716104, 2026: 754983}),
    ]
    for kind, lines in ((BudgetLine.Kind.COST, costs), (BudgetLine.Kind.FINANCING, financing)):
        for order, (label, amounts) in enumerate(lines, start=1):
            for year, amount in amounts.items():
                BudgetLine.objects.create(
                    activity=project, kind=kind, label=label, year=year, amount=amount, order=order
                )
    return project


@dataclass
class PublishedContent:
    """The ten activities of a programme's published plan and what they link to."""

    activities: list[Activity]
    secure: Activity
    overall_area: CollaborationArea
    security: FocusArea
    secure_direction: StrategicDirection
    #: A direction no activity names, which the plan page lists as uncovered.
    uncovered_direction: StrategicDirection


def published_content_make(p: Programme) -> PublishedContent:
    """Ten activities in ``p.published_plan``, spread over three areas (two in the lead's),
    two focus areas and two lead organisations, all planned; ``secure`` is one of them."""
    overall = overall_area_make(p.strategy)
    security = FocusAreaFactory(strategy=p.strategy, title="Digital trygghet", order=1)
    secure_direction = DirectionFactory(
        focus_area=security, title="Höga krav på säkerhet och en digital identitet"
    )
    uncovered = DirectionFactory(focus_area=security, title="Integritet i det digitala samhället")
    rows = [
        ("Ta fram en process för samverkansgrupper", overall, [p.focus_area], [p.direction]),
        ("Anordna webbinarier med goda exempel", overall, [p.focus_area], []),
        ("Skapa en samlingsplats på regionens webbplats", overall, [p.focus_area], []),
        ("Bevaka omvärlden och sprida goda exempel", overall, [p.focus_area], []),
        ("Utreda uppdraget i bredbandsfrågan", p.area, [p.focus_area], [p.direction]),
        ("Säkra digitala videomöten", p.area, [p.focus_area, security], [secure_direction]),
        (SECURE, p.other_area, [security], [secure_direction]),
        ("Mäta den digitala mognaden", p.other_area, [p.focus_area], [p.direction]),
        ("Ta fram en plan för digital delaktighet", p.other_area, [p.focus_area], []),
        ("Höja kunskapen om öppna data", p.other_area, [p.focus_area], []),
    ]
    activities = []
    for order, (title, area, focus_areas, directions) in enumerate(rows, start=1):
        activity = Activity.objects.create(
            plan=p.published_plan,
            order=order,
            title=title,
            description=(
                "Ett gemensamt system för säkra meddelandeflöden mellan organisationerna."
                if title == SECURE
                else ""
            ),
            collaboration_area=area,
            lead_organisation=p.municipality if order in (3, 10) else p.region,
        )
        activity.focus_areas.set(focus_areas)
        activity.directions.set(directions)
        activities.append(activity)
    return PublishedContent(
        activities=activities,
        secure=activities[6],
        overall_area=overall,
        security=security,
        secure_direction=secure_direction,
        uncovered_direction=uncovered,
    )


def council_member_make(p: Programme) -> User:
    """A member of a digitalisation council that governs the programme's strategy (the
    programme has no council of its own): one who comments, and nothing more."""
    from actionplans.services.permissions import access_sync

    council = BodyFactory(
        name=f"Digitaliseringsråd {p.region.name}",
        slug=f"{p.strategy.slug}-{Body.Kind.DIGITALISATION_COUNCIL}",
        kind=Body.Kind.DIGITALISATION_COUNCIL,
        organisation=p.region,
    )
    p.strategy.governing_bodies.add(council)
    user = MembershipFactory(body=council, user__organisation=p.region).user
    access_sync(strategy=p.strategy)
    return user


def api_key_make(user: User, *, can_write_indicator_values: bool = False) -> str:
    """A personal API key of ``user``, as its owner would create it on the keys page."""
    from portal.services import api_token_create

    _token, key = api_token_create(
        user=user, name="Test", can_write_indicator_values=can_write_indicator_values
    )
    return key
