"""The demo is checked against the seed documents themselves (../shared/seeds)."""

import hashlib
import io
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from actionplans.models import ActionPlan, Activity, BudgetLine
from portal.models import Membership, Organisation, User
from strategy.models import (
    CollaborationArea,
    EffectGoal,
    FocusArea,
    OverallGoal,
    Perspective,
    StrategicDirection,
    Strategy,
    TacticalPoint,
)

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
COUNTY = "orebro-lan-2021-2026"

FOCUS_AREAS = [
    "Digital infrastruktur",
    "Digital kompetens",
    "Digital trygghet",
    "Digital innovation",
    "Digital ledning",
]
MUNICIPALITIES = [
    "Askersund",
    "Degerfors",
    "Hallsberg",
    "Hällefors",
    "Karlskoga",
    "Kumla",
    "Laxå",
    "Lekeberg",
    "Lindesberg",
    "Ljusnarsberg",
    "Nora",
    "Örebro",
]
# Aktiviteter 2023 (001_…txt), by collaboration area, as the appendix lists them.
ACTIVITIES_2023 = {
    "Övergripande nivå": 4,
    "Digital infrastruktur": 2,
    "Välfärdstjänster": 1,
    "Kompetens och kapacitet": 2,
    "Öppna data": 1,
}
NAMED_2023 = [
    "SDK (Säker Digital Kommunikation)",
    "DiMiOS (Digital Mognad i Offentlig Sektor)",
    "Säkra digitala videomöten",
]


def normalise(value: str, *, join_hyphens: bool = True) -> str:
    """Text with the PDF layout removed: bullets, line-break hyphens, whitespace."""
    value = re.sub(r"[\uf0b7•·]", " ", value)
    value = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2" if join_hyphens else r"\1-\2", value)
    return re.sub(r"\s+", " ", value).strip().lower()


class Source:
    """A seed document; a line-break hyphen may be a real one ("IT-\nchefsnätverk")."""

    def __init__(self, raw: str) -> None:
        self.variants = [normalise(raw), normalise(raw, join_hyphens=False)]

    def __contains__(self, value: str) -> bool:
        return any(value in variant for variant in self.variants)


def seed_text(prefix: str) -> Source:
    matches = list(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"the seed documents are not beside the repository ({SEEDS})")
    return Source(matches[0].read_text(encoding="utf-8"))


@pytest.fixture
def county(demo):
    return Strategy.objects.get(slug=COUNTY)


def test_five_focus_areas_with_their_exact_names(county):
    assert list(county.focus_areas.values_list("title", flat=True)) == FOCUS_AREAS
    assert all(area.goal for area in county.focus_areas.all())


def test_every_direction_and_tactical_point_comes_from_the_strategy(county):
    source = seed_text("002")
    directions = StrategicDirection.objects.filter(focus_area__strategy=county)
    assert directions.count() == 20
    for direction in directions:
        assert normalise(direction.title) in source, direction.title
    points = TacticalPoint.objects.filter(direction__focus_area__strategy=county)
    assert points.count() == 37
    for point in points:
        assert normalise(point.text) in source, point.text
    # Every direction the YAML lists is in the database, none lost on the way.
    data = yaml.safe_load((Path(settings.BASE_DIR) / "strategy/demo/orebro_strategy.yaml").open())
    listed = {d["title"] for area in data["focus_areas"] for d in area["directions"]}
    assert listed == set(directions.values_list("title", flat=True))


def test_rus_goals_and_perspectives(county):
    assert list(OverallGoal.objects.filter(strategy=county).values_list("title", flat=True)) == [
        "Stark konkurrenskraft",
        "Hög och jämlik livskvalitet",
        "God resurseffektivitet",
    ]
    assert list(Perspective.objects.filter(strategy=county).values_list("title", flat=True)) == [
        "Jämställdhet",
        "Barn och unga",
        "Integration",
        "Internationella samarbeten",
    ]


def test_collaboration_areas_and_their_questions(county):
    source = seed_text("001")
    areas = CollaborationArea.objects.filter(strategy=county, is_overall=False)
    assert sorted(areas.values_list("name", flat=True)) == sorted(
        ["Digital infrastruktur", "Välfärdstjänster", "Kompetens och kapacitet", "Öppna data"]
    )
    for area in areas:
        assert area.group is not None, area
        assert area.questions.count() >= 4
        for question in area.questions.all():
            assert normalise(question.text) in source, question.text


def test_every_2023_activity_under_its_area(county):
    source = seed_text("001")
    plan = ActionPlan.objects.get(strategy=county, year=2023)
    assert plan.state == ActionPlan.State.PUBLISHED
    for area, count in ACTIVITIES_2023.items():
        assert plan.activities.filter(collaboration_area__name=area).count() == count, area
    titles = set(plan.activities.values_list("title", flat=True))
    assert set(NAMED_2023) <= titles
    for activity in plan.activities.all():
        assert normalise(activity.description) in source, activity.title
        assert activity.focus_areas.exists(), activity.title


def test_2024_plan_awaits_the_steering_group_with_the_project_budget(county):
    from actionplans.access import plan_access
    from actionplans.workflow import available_transitions

    plan = ActionPlan.objects.get(strategy=county, year=2024)
    assert plan.state == ActionPlan.State.REVIEW
    events = plan.events.order_by("pk")
    assert [(e.kind, e.transition, e.actor.username) for e in events] == [
        ("transition", "submit", "samordnare"),
        ("comment", "", "strategigrupp"),
    ]
    steering = User.objects.get(username="styrgrupp")
    steps = available_transitions(plan, plan_access(steering, plan))
    assert "approve" in {step.name for step in steps}
    project = plan.activities.get(title="Regional digitaliseringsutveckling")
    assert project.kind == Activity.Kind.PROJECT
    assert project.sub_goals.count() == 5
    council = project.sub_goals.get(order=2)
    assert (council.planned_count, council.count_period) == (2, "term")
    costs = sum(
        project.budget_lines.filter(kind=BudgetLine.Kind.COST).values_list("amount", flat=True)
    )
    financing = sum(
        project.budget_lines.filter(kind=BudgetLine.Kind.FINANCING).values_list("amount", flat=True)
    )
    assert costs == financing == 3_200_358  # "Summa bokförda kostnader … Totalt"


def test_programme_effect_goals_and_second_strategy(county):
    programme = Strategy.objects.get(slug="region-orebro-program-2021-2026")
    assert programme.parent == county
    goals = EffectGoal.objects.filter(strategy=programme)
    assert goals.count() == 5
    assert {goal.focus_area.title for goal in goals} == set(FOCUS_AREAS)
    vastmanland = Strategy.objects.get(owner__name="Region Västmanland")
    assert vastmanland.focus_areas.count() >= 4


def test_organisations_bodies_and_demo_users(demo):
    municipalities = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    assert municipalities.count() == 12
    for name in MUNICIPALITIES:
        assert municipalities.filter(name__startswith=name).exists(), name
    for kind in ("region", "county_board", "university", "national_partner"):
        assert Organisation.objects.filter(kind=kind).exists(), kind
    expected = {
        "samordnare": Membership.Role.COORDINATOR,
        "styrgrupp": Membership.Role.MEMBER,
        "strategigrupp": Membership.Role.MEMBER,
        "rad": Membership.Role.CHAIR,
        "insatsledare-digital-infrastruktur": Membership.Role.LEAD,
        "insatsledare-valfardstjanster": Membership.Role.LEAD,
        "insatsledare-kompetens-och-kapacitet": Membership.Role.LEAD,
        "insatsledare-oppna-data": Membership.Role.LEAD,
    }
    for username, role in expected.items():
        assert Membership.objects.filter(user__username=username, role=role).exists(), username
    for username in ("kontakt-orebro", "kontakt-hallefors", "kontakt-laxa", "kontakt-kumla"):
        user = User.objects.get(username=username)
        assert user.is_contact and user.organisation.kind == Organisation.Kind.MUNICIPALITY
    assert User.objects.filter(username__startswith="kontakt-").count() == 12
    assert User.objects.get(username="samordnare").check_password("demo-password")


def test_the_demo_organisation_numbers_are_valid(demo):
    numbers = dict(Organisation.objects.exclude(org_number="").values_list("name", "org_number"))
    assert numbers == {
        "Region Örebro län": "232100-0164",
        "Örebro kommun": "212000-1850",
        "Kumla kommun": "212000-1868",
    }
    for organisation in Organisation.objects.exclude(org_number=""):
        organisation.full_clean()


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"portal", "strategy", "actionplans", "followup", "auth"}
    }


def test_a_second_run_changes_nothing(demo):
    before = _row_counts()
    history_before = {k: v for k, v in before.items() if ".Historical" in k}
    assert sum(history_before.values()) > 0
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing to change" in out.getvalue()
    assert _row_counts() == before


def test_the_seed_repairs_what_was_changed(demo):
    area = FocusArea.objects.get(strategy__slug=COUNTY, title="Digital trygghet")
    area.goal = "ändrat"
    area.save()
    TacticalPoint.objects.filter(direction__focus_area=area).first().delete()
    call_command("seed_demo", stdout=io.StringIO())
    area.refresh_from_db()
    assert area.goal != "ändrat"
    assert TacticalPoint.objects.filter(direction__focus_area__strategy__slug=COUNTY).count() == 37


def test_an_open_offer_with_some_answers(demo):
    from actionplans.access import is_open
    from actionplans.models import Offer
    from actionplans.selectors import offers as offer_selectors

    offer = Offer.objects.get(plan__strategy__slug=COUNTY, plan__year=2023)
    assert is_open(offer)
    assert offer.activities.count() == 10
    matrix = offer_selectors.offer_matrix(offer)
    assert matrix.totals == {"yes": 6, "no": 1, "undecided": 2}
    assert len(matrix.answered) == 3
    # Loading the demo mails nobody: its offer mails count as sent.
    assert offer.mails.count() == offer.recipients.count()


def test_the_demo_years_report(published_plan):
    """The approved follow-up report of the demo's Aktiviteter 2023, as the seed stored it:
    a real PDF of its ten activities."""
    from django.utils import translation
    from django.utils.formats import number_format

    from followup.models import Report
    from followup.pdf.content import report_context
    from tests.pdf_helpers import normalise as pdf_normalise
    from tests.pdf_helpers import pdf_objects, pdf_text

    def sek(amount) -> str:
        with translation.override("sv"):
            return pdf_normalise(
                number_format(amount, decimal_pos=0, use_l10n=True, force_grouping=True)
            )

    report = Report.objects.get(round__plan=published_plan, review=Report.Review.APPROVED)
    with translation.override("sv"):
        context = report_context(report.round)
    with report.file.open("rb") as handle:
        data = handle.read()
    pdf = SimpleNamespace(data=data, pages=report.pages)
    assert hashlib.sha256(data).hexdigest() == report.sha256

    text = pdf_text(pdf.data)
    assert pdf.pages > 1
    assert re.search(rf"\b2 ?/ ?{pdf.pages}\b", text)  # the footer's page numbers
    assert published_plan.title in text and published_plan.strategy.title in text  # cover
    titles = list(
        published_plan.activities.filter(removed_at__isnull=True).values_list("title", flat=True)
    )
    assert len(titles) == 10
    for title in titles:
        assert pdf_normalise(title) in text
    for total in context["budget_totals"]:
        assert total.planned > 0
        assert sek(total.planned) in text and sek(total.outcome) in text
    # Each activity's sub-goals and budget lines are there, as text (no table per activity).
    with translation.override("sv"):
        for entry in context["entries"]:
            for row in entry.sub_goals:
                assert pdf_normalise(f"{row.name}: {row.outcome_text}") in text
            for row in entry.budget:  # budget / outcome, "–" without one
                outcome = "–" if row.outcome is None else sek(row.outcome)
                assert f"{pdf_normalise(row.label)} {sek(row.planned)} / {outcome}" in text
    for row in context["participation"]:
        assert row.organisation in text
    objects = pdf_objects(pdf.data)
    assert b'pdfuaid:part="1"' in objects  # PDF/UA-1 declared in the XMP metadata
    assert b"/Lang (sv)" in objects
    assert b"/StructTreeRoot" in objects
    assert b"/DisplayDocTitle true" in objects
    info = subprocess.run(
        ["pdfinfo", "-"],  # noqa: S607 - poppler-utils
        input=pdf.data,
        capture_output=True,
        check=True,
    )
    assert f"Title: {published_plan.title}" in pdf_normalise(info.stdout.decode())
    assert "Tagged: yes" in pdf_normalise(info.stdout.decode())


# --- The demo's whole year: the 2023 follow-up, its report and the indicators ----------------


@pytest.fixture
def demo_round(published_plan):
    from followup.models import FollowUpRound

    return FollowUpRound.objects.get(plan=published_plan, year=2023, term="")


def test_the_2023_round_is_followed_up_and_closed(demo_round):
    from followup.models import ActivityReport, BudgetOutcome, SubGoalOutcome

    assert demo_round.state == demo_round.State.CLOSED and demo_round.example
    reports = demo_round.reports.all()
    assert reports.count() == 10
    assert {r.state for r in reports} == {ActivityReport.State.SUBMITTED}
    assert {r.traffic_light for r in reports} == {"green", "yellow", "red"}
    for report in reports.exclude(traffic_light="green"):
        assert report.traffic_light_comment, report.activity.title
    # Each report by the one who fills it: the area's lead, the coordinator for the overall
    # level, as the history says.
    videos = reports.get(activity__title="Säkra digitala videomöten")
    assert videos.submitted_by.username == "insatsledare-digital-infrastruktur"
    assert videos.history.filter(history_user__username="insatsledare-digital-infrastruktur")
    sdk = SubGoalOutcome.objects.get(
        report__round=demo_round, sub_goal__title="Organisationer anslutna till SDK"
    )
    assert (sdk.sub_goal.planned_count, sdk.performed_count) == (5, 6)
    over = BudgetOutcome.objects.get(report=videos, budget_line__kind="cost")
    assert over.amount > over.budget_line.amount  # the red light's overrun


def test_the_steering_group_approved_the_report_and_registered_it(demo_round):
    from followup.models import Report
    from portal.models import Decision

    report = demo_round.pdf_reports.get()
    assert (report.state, report.review) == (Report.State.DONE, Report.Review.APPROVED)
    assert report.reviewed_by.username == "styrgrupp"
    assert report.comments.filter(author__username="strategigrupp").exists()
    assert not report.recipients.exists() and not report.mails.exists()  # nobody is mailed
    decision = Decision.objects.get(subject_id=report.pk, body__slug="programstyrgruppen")
    assert "Aktiviteter 2023" in decision.title
    with report.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF") and len(data) == report.size
    cover = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", "-", "-"],  # noqa: S607
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Exempeldata" in cover


def test_indicators_with_targets_and_example_values(county):
    from followup.models import IndicatorValue
    from strategy.models import Indicator

    broadband = Indicator.objects.get(strategy=county, kolada_kpi="N07918")
    assert broadband.example and broadband.focus_area.title == "Digital infrastruktur"
    assert broadband.kolada_fetched_at is None  # nothing was fetched
    assert broadband.targets.get(year=2025).value == 98
    values = broadband.values.all()
    assert {v.source for v in values} == {IndicatorValue.Source.KOLADA}
    assert values.filter(scope="country", organisation=None, year=2023).exists()
    assert values.filter(scope="strategy", organisation=None, year=2023).exists()
    assert values.filter(organisation__name="Hällefors kommun", year=2023).exists()
    entered = Indicator.objects.get(strategy=county, kolada_kpi="", example=True)
    assert entered.values.get(year=2023).entered_by.username == "samordnare"
    vastmanland = Indicator.objects.filter(strategy__owner__name="Region Västmanland")
    assert vastmanland.count() == 2
    for indicator in vastmanland:
        assert indicator.example
        assert sorted(indicator.targets.values_list("year", flat=True)) == [2024, 2025, 2026]


def test_the_pages_say_the_year_is_example_data(client, demo_round):
    from strategy.models import Indicator

    report = demo_round.pdf_reports.get()
    activity_report = demo_round.reports.first()
    indicator = Indicator.objects.get(kolada_kpi="N07918")
    for username, url in (
        ("samordnare", demo_round.get_absolute_url()),
        ("samordnare", activity_report.get_absolute_url()),
        ("styrgrupp", report.get_absolute_url()),
        ("samordnare", f"/strategier/{COUNTY}/indikatorer/{indicator.pk}/varden/"),
    ):
        client.force_login(User.objects.get(username=username))
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Exempeldata" in response.content.decode(), url


def test_a_second_seed_keeps_what_people_changed(demo_round):
    from decimal import Decimal

    from followup.services.indicators import indicator_value_set
    from strategy.access import strategy_access
    from strategy.models import Indicator

    coordinator = User.objects.get(username="samordnare")
    sdk = Indicator.objects.get(title__startswith="Organisationer anslutna till SDK")
    indicator_value_set(
        indicator=sdk,
        year=2023,
        organisation=None,
        value=Decimal(7),
        comment="Rättat efter avstämning",
        user=coordinator,
        access=strategy_access(coordinator, sdk.strategy),
    )
    # The round is closed and approved: a coordinator corrects a report in the admin.
    report = demo_round.reports.get(activity__title="Säkra digitala videomöten")
    report.traffic_light_comment = "Ny tidplan beslutad."
    report.save()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing to change" in out.getvalue()
    assert sdk.values.get(year=2023).value == 7
    report.refresh_from_db()
    assert report.traffic_light_comment == "Ny tidplan beslutad."


# --- Moved here from other test files (h-tests): these check the demo's own content --------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", "Digitaliseringsstrategi för Örebro län 2021–2026"),
        ("/strategier/", "Program för digitalisering 2021–2026"),
        (f"/strategier/{COUNTY}/", "Förbättrad tillgång till hård infrastruktur"),
        (f"/strategier/{COUNTY}/", "Stark konkurrenskraft"),
        (f"/strategier/{COUNTY}/", "Barn och unga"),
        (f"/strategier/{COUNTY}/digital-infrastruktur/", "höja tempot i utbyggnaden"),
        (f"/strategier/{COUNTY}/samverkansomraden/", "Ta fram alternativa infrastrukturlösningar"),
        ("/handlingsplaner/", "Aktiviteter 2023"),
        (f"/handlingsplaner/{COUNTY}/2023/", "SDK (Säker Digital Kommunikation)"),
        ("/strategier/region-orebro-program-2021-2026/", "Effektmål"),
    ],
)
def test_public_pages_show_the_seed_content(demo, client, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    # No template syntax leaks into the page (a {# #} comment is one line only).
    assert "{#" not in html and "{%" not in html and "{{" not in html


def test_demo_contacts_answer_for_their_municipality(demo):
    kumla = User.objects.get(username="kontakt-kumla")
    assert kumla.has_perm("portal.answer_offers", kumla.organisation)
    assert not kumla.has_perm(
        "portal.answer_offers", Organisation.objects.get(slug="orebro-kommun")
    )
    coordinator = User.objects.get(username="samordnare")
    assert not coordinator.has_perm("portal.answer_offers", coordinator.organisation)
