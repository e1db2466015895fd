"""actionplans.opendata: the DCAT-AP-SE catalogue at /datasets/dcat and the CSV and JSON
files of its datasets. The catalogue is checked with SHACL shapes written from the
DCAT-AP-SE 3.0.1 specification (tests/shapes/dcat-ap-se.ttl), on the graph read back from
the response, as a harvester reads it."""

import json
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pyshacl import validate
from rdflib import RDF, BNode, Graph, Namespace, URIRef

from actionplans.models import ActionPlan, SubGoal
from actionplans.opendata.catalogue import catalogue_graph
from portal import writes
from portal.models import Organisation
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    StrategyFactory,
    activities_make,
    programme_make,
)

pytestmark = pytest.mark.django_db

# Our own namespaces: rdflib's closed ones warn when pytest looks through the module.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = Graph().parse(Path(__file__).parent / "shapes" / "dcat-ap-se.ttl")
BASE = "https://portal.example.org"


@pytest.fixture(autouse=True)
def _base(settings):
    settings.PORTAL_BASE_URL = BASE


@pytest.fixture
def programme():
    p = programme_make()
    p.region.org_number = "232100-0164"
    p.region.save()
    activities_make(p)
    return p


def harvest(client) -> Graph:
    response = client.get("/datasets/dcat")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rdf+xml")
    return Graph().parse(data=response.content, format="xml")


def conforms(graph: Graph) -> tuple[bool, str]:
    """Whether the graph has every mandatory and every recommended property."""
    ok, _report, text = validate(graph, shacl_graph=SHAPES)
    return ok, text


def problems(graph: Graph) -> list[tuple[str, str, str]]:
    """Each result of the validation: its focus node, path and severity."""
    _ok, report, _text = validate(graph, shacl_graph=SHAPES)
    return [
        (
            str(report.value(result, SH.focusNode)),
            str(report.value(result, SH.resultPath)),
            str(report.value(result, SH.resultSeverity)),
        )
        for result in report.subjects(RDF.type, SH.ValidationResult)
    ]


def node(fragment: str) -> URIRef:
    return URIRef(f"{BASE}/datasets/dcat#{fragment}")


#: The demo's Västmanland strategy states no period, so it alone lacks the recommended
#: dcterms:temporal.
NO_PERIOD = node("strategy-region-vastmanland-digitaliseringsstrategi")


def complete(graph: Graph) -> Graph:
    """The catalogue without the one demo dataset that lacks a recommended property: what
    is left must have every property, so that removing one is caught."""
    graph.remove((None, DCAT.dataset, NO_PERIOD))
    graph.remove((NO_PERIOD, None, None))
    ok, text = conforms(graph)
    assert ok, text
    return graph


def test_the_catalogue_conforms_to_dcat_ap_se(client, programme):
    graph = harvest(client)
    found = problems(graph)
    # Nothing mandatory is missing anywhere, and only the strategy without a period lacks
    # a recommended property; every other dataset has them all.
    assert found == [(str(NO_PERIOD), str(DCTERMS.temporal), str(SH.Warning))]
    complete(graph)
    catalogue = URIRef(f"{BASE}/datasets/dcat")
    assert (catalogue, RDF.type, DCAT.Catalog) in graph
    assert (
        catalogue,
        DCTERMS.license,
        URIRef("http://creativecommons.org/publicdomain/zero/1.0/"),
    ) in graph
    assert {t.language for t in graph.objects(catalogue, DCTERMS["title"])} == {"sv", "en"}


def test_no_node_is_blank(client, programme):
    graph = harvest(client)
    assert not [term for triple in graph for term in triple if isinstance(term, BNode)]


def _strategy(programme) -> URIRef:
    return node(f"strategy-{programme.strategy.slug}")


def _plan(programme, year=2023) -> URIRef:
    return node(f"plan-{programme.strategy.slug}-{year}")


@pytest.mark.parametrize(
    ("subject", "predicate"),
    [
        ("catalogue", DCTERMS.license),
        ("catalogue", DCAT.dataset),
        ("dataset", DCTERMS.identifier),
        ("dataset", DCAT.contactPoint),
        ("dataset", DCTERMS.temporal),
        ("dataset", DCTERMS.spatial),
        ("dataset", DCAT.keyword),
        ("dataset", DCAT.theme),
        ("distribution", DCTERMS.license),
        ("distribution", DCTERMS["format"]),
        ("distribution", DCAT.accessURL),
        ("agent", DCTERMS.type),
        ("agent", FOAF.name),
        ("contact", VCARD.hasEmail),
        ("contact", VCARD.fn),
    ],
)
def test_the_shapes_catch_a_missing_property(client, programme, subject, predicate):
    graph = complete(harvest(client))
    subjects = {
        "catalogue": URIRef(f"{BASE}/datasets/dcat"),
        "dataset": _plan(programme),
        "distribution": node(f"plan-{programme.strategy.slug}-2023-csv"),
        "agent": URIRef("http://dataportal.se/organisation/SE2321000164"),
        "contact": node("contact"),
    }
    assert (subjects[subject], predicate, None) in graph
    graph.remove((subjects[subject], predicate, None))
    found = {(focus, path) for focus, path, _severity in problems(graph)}
    assert found == {(str(subjects[subject]), str(predicate))}


def test_the_shapes_refuse_a_blank_distribution(client, programme):
    graph = complete(harvest(client))
    distribution = node(f"plan-{programme.strategy.slug}-2023-csv")
    blank = BNode()
    for _s, p, o in list(graph.triples((distribution, None, None))):
        graph.add((blank, p, o))
    graph.remove((distribution, None, None))
    graph.remove((None, None, distribution))
    graph.add((_plan(programme), DCAT.distribution, blank))
    ok, text = conforms(graph)
    assert not ok
    assert "NodeKindConstraintComponent" in text


def test_one_dataset_per_public_strategy_and_public_plan(client, programme):
    ActionPlanFactory(strategy=programme.strategy, year=2022, state=ActionPlan.State.CLOSED)
    hidden = StrategyFactory(title="Ej publicerad strategi", is_public=False)
    ActionPlanFactory(strategy=hidden, year=2023)
    graph = harvest(client)
    datasets = {str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)}
    ours = {d for d in datasets if programme.strategy.slug in d or hidden.slug in d}
    assert ours == {str(_strategy(programme)), str(_plan(programme, 2022)), str(_plan(programme))}
    # The 2024 plan is a draft: no dataset, and no file.
    assert client.get(f"/datasets/plans/{programme.strategy.slug}/2024.csv").status_code == 404


def test_the_dataset_says_who_when_where(client, programme):
    graph = harvest(client)
    plan = _plan(programme)
    publisher = graph.value(plan, DCTERMS.publisher)
    assert publisher == URIRef("http://dataportal.se/organisation/SE2321000164")
    assert graph.value(publisher, DCTERMS.type) == URIRef(
        "http://purl.org/adms/publishertype/RegionalAuthority"
    )
    period = graph.value(plan, DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2023-01-01"
    assert str(graph.value(period, DCAT.endDate)) == "2023-12-31"
    strategy_period = graph.value(_strategy(programme), DCTERMS.temporal)
    assert str(graph.value(strategy_period, DCAT.endDate)) == "2026-12-31"
    assert graph.value(plan, DCAT.theme) == URIRef(
        "http://publications.europa.eu/resource/authority/data-theme/GOVE"
    )
    assert graph.value(plan, DCTERMS.issued) is not None
    assert graph.value(plan, DCTERMS.modified) is not None
    assert "handlingsplan" in {str(k) for k in graph.objects(plan, DCAT.keyword)}


def test_an_organisation_without_a_number_is_named_under_the_portal(client, programme):
    municipal = StrategyFactory(
        title="Kommunens strategi",
        owner=Organisation.objects.create(
            name="Provby kommun", slug="provby-kommun", kind="municipality"
        ),
    )
    graph = harvest(client)
    publisher = graph.value(node(f"strategy-{municipal.slug}"), DCTERMS.publisher)
    assert publisher == node("organisation-provby-kommun")
    assert graph.value(publisher, DCTERMS.type) == URIRef(
        "http://purl.org/adms/publishertype/LocalAuthority"
    )


def test_licence_and_contact_come_from_the_settings(client, programme, settings):
    settings.OPEN_DATA_LICENSE = "http://creativecommons.org/licenses/by/4.0/"
    settings.OPEN_DATA_CONTACT_EMAIL = "oppnadata@example.org"
    graph = harvest(client)
    csv = node(f"plan-{programme.strategy.slug}-2023-csv")
    assert graph.value(csv, DCTERMS.license) == URIRef(settings.OPEN_DATA_LICENSE)
    assert graph.value(node("contact"), VCARD.hasEmail) == URIRef("mailto:oppnadata@example.org")


def test_the_identifier_is_derived_and_stable(programme):
    first, _ = catalogue_graph()
    second, _ = catalogue_graph()
    plan = _plan(programme)
    identifier = first.value(plan, DCTERMS.identifier)
    assert identifier == second.value(plan, DCTERMS.identifier)
    path = f"/datasets/plans/{programme.strategy.slug}/2023"
    assert str(identifier) == str(uuid.uuid5(uuid.NAMESPACE_URL, BASE + path))
    # A new revision of the year is the same dataset.
    programme.published_plan.state = ActionPlan.State.REPLACED
    programme.published_plan.save()
    ActionPlanFactory(strategy=programme.strategy, year=2023, revision=2)
    third, _ = catalogue_graph()
    assert third.value(plan, DCTERMS.identifier) == identifier


def test_queries_do_not_grow_with_the_plans(programme):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            catalogue_graph()
        return len(captured)

    before = queries()
    for year in (2025, 2026, 2027):
        ActivityFactory(plan=ActionPlanFactory(strategy=programme.strategy, year=year))
    other = StrategyFactory(title="En strategi till")
    ActionPlanFactory(strategy=other, year=2023)
    assert queries() == before


def test_the_catalogue_is_built_once_per_content_version(client, programme):
    first = client.get("/datasets/dcat").content
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/datasets/dcat").content == first
    # Nothing is read while nothing was written (portal.writes keeps the content version).
    assert len(captured) == 0
    writes.versions.clear()  # as after a write in another process
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/datasets/dcat").content == first
    # Only the content version (the session middleware reads nothing anonymous).
    assert len(captured) == 1
    # A change to what it describes shows at once.
    programme.strategy.title = "Digital agenda för Testlän"
    programme.strategy.save()
    assert "Digital agenda för Testlän".encode() in client.get("/datasets/dcat").content


def test_the_catalogue_answers_a_conditional_request(client, programme):
    response = client.get("/datasets/dcat")
    assert response["Last-Modified"]
    assert response["Access-Control-Allow-Origin"] == "*"
    again = client.get("/datasets/dcat", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    # A harvester may ask whether the catalogue is there before fetching it.
    assert client.head("/datasets/dcat").status_code == 200


def test_every_download_url_answers(client, programme):
    graph = harvest(client)
    urls = [
        str(url)
        for dataset in (_plan(programme), _strategy(programme))
        for distribution in graph.objects(dataset, DCAT.distribution)
        for url in graph.objects(distribution, DCAT.accessURL)
    ]
    assert len(urls) == 6
    for url in urls:
        assert url.startswith(BASE)
        assert client.get(url.removeprefix(BASE)).status_code == 200, url


# --- The files ------------------------------------------------------------------------------


def test_the_plan_as_csv(client, programme):
    activity = programme.published_plan.activities.order_by("pk").first()
    activity.title = '=HYPERLINK("https://example.org")'
    activity.save()
    activity.focus_areas.set([programme.focus_area])
    SubGoal.objects.create(activity=activity, title="Tio kommuner", planned_count=10)
    response = client.get(f"/datasets/plans/{programme.strategy.slug}/2023.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="handlingsplan-{programme.strategy.slug}-2023.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffid;plan;order;title;")
    lines = text.splitlines()
    assert len(lines) == 4  # the heading and three activities
    row = next(line for line in lines if line.startswith(f"{activity.pk};"))
    # A cell that would run as a formula is kept as text.
    assert "'=HYPERLINK" in row
    assert f";{programme.focus_area.pk};" in row
    assert "Tio kommuner (10)" in row


def test_the_plan_as_json_is_what_the_api_gives(client, programme):
    response = client.get(f"/datasets/plans/{programme.strategy.slug}/2023.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    api = client.get(f"/api/v1/plans/{programme.published_plan.pk}/")
    assert json.loads(response.content) == api.json()
    assert len(response.json()["activities"]) == 3


def test_the_strategy_files(client, programme):
    slug = programme.strategy.slug
    response = client.get(f"/datasets/strategies/{slug}.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="strategi-{slug}.csv"'
    lines = response.content.decode("utf-8").splitlines()
    assert lines[0] == "\ufefftype;id;focus_area;order;slug;title;goal;description;tactical_points"
    assert lines[1].startswith(f"focus_area;{programme.focus_area.pk};;")
    assert lines[2].startswith(f"direction;{programme.direction.pk};{programme.focus_area.pk};")
    data = client.get(f"/datasets/strategies/{slug}.json")
    assert json.loads(data.content) == client.get(f"/api/v1/strategies/{slug}/").json()


def test_files_answer_a_conditional_request(client, programme):
    url = f"/datasets/plans/{programme.strategy.slug}/2023.json"
    response = client.get(url)
    assert response["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/datasets/plans/{slug}/2024.csv",  # a draft
        "/datasets/plans/{slug}/2024.json",
        "/datasets/plans/{slug}/2023.xlsx",  # not a format we give
        "/datasets/strategies/{hidden}.csv",
        "/datasets/strategies/{hidden}.json",
        "/datasets/plans/{hidden}/2023.csv",
    ],
)
def test_what_is_not_public_is_not_found(client, programme, path):
    hidden = StrategyFactory(title="Intern strategi", is_public=False)
    ActionPlanFactory(strategy=hidden, year=2023)
    url = path.format(slug=programme.strategy.slug, hidden=hidden.slug)
    assert client.get(url).status_code == 404
