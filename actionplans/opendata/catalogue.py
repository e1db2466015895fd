"""The catalogue of open data in DCAT-AP-SE 3.0.1, the Swedish profile of DCAT-AP that
dataportal.se harvests: one dcat:Catalog with a dcat:Dataset per public strategy and per
public plan year, each with a CSV file, a JSON file and the API as its distributions.

Every node has an absolute IRI (no blank nodes), as dataportal.se asks: the datasets,
distributions, periods and places are fragments of the catalogue's own address, and a
publisher with an organisation number is named as dataportal.se names it. The queries are
a fixed number, however many strategies and plans there are."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rdflib import RDF, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from actionplans.models import ActionPlan, Activity, BudgetLine, SubGoal
from actionplans.selectors import plans as plan_selectors
from portal import selectors as portal_selectors
from portal.dates import today
from portal.models import Organisation
from portal.page_cache import content_key, history_version
from strategy import selectors as strategy_selectors
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

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
DATA_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
MEDIA_TYPE = Namespace("http://www.iana.org/assignments/media-types/")
#: The catalogue's own description is always free to reuse, as dataportal.se asks; the
#: datasets carry the installation's licence (settings.OPEN_DATA_LICENSE).
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
#: Where dataportal.se names a Swedish organisation: SE and its organisation number.
DATAPORTAL_ORGANISATION = "http://dataportal.se/organisation/SE"

#: ADMS publisher types. A county administrative board is a state authority; a national
#: partner (Inera, eHälsomyndigheten) works for the whole country.
PUBLISHER_TYPES: dict[str, URIRef] = {
    Organisation.Kind.REGION: PUBLISHER_TYPE.RegionalAuthority,
    Organisation.Kind.MUNICIPALITY: PUBLISHER_TYPE.LocalAuthority,
    Organisation.Kind.COUNTY_BOARD: PUBLISHER_TYPE.NationalAuthority,
    Organisation.Kind.UNIVERSITY: PUBLISHER_TYPE["Academia-ScientificOrganisation"],
    Organisation.Kind.NATIONAL_PARTNER: PUBLISHER_TYPE.NationalAuthority,
}

#: Each distribution's format: the EU file type and the IANA media type.
FORMATS = {
    "csv": (FILE_TYPE.CSV, MEDIA_TYPE["text/csv"]),
    "json": (FILE_TYPE.JSON, MEDIA_TYPE["application/json"]),
}


def _in_both_languages(message: str, **values) -> list[Literal]:
    """A message of ours in Swedish and in English, whatever the reader's language."""
    literals = []
    for language in ("sv", "en"):
        with translation.override(language):
            literals.append(Literal(_(message) % values, lang=language))
    return literals


@dataclass
class Dataset:
    """What one dataset says, whichever kind it is."""

    fragment: str  # of its IRI, under the catalogue's address
    path: str  # the base of its files' paths, from which its identifier is derived
    title: list[Literal]
    description: list[Literal]
    keywords: list[Literal]
    publisher: Organisation
    start: date | None
    end: date | None
    landing_page: str
    files: dict[str, str]  # format -> path
    api: str
    issued: datetime | None
    modified: datetime | None


class Catalogue:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.address = self.base + reverse("actionplans:dcat")
        self.graph = Graph()
        for prefix, namespace in (
            ("dcat", DCAT),
            ("dcterms", DCTERMS),
            ("foaf", FOAF),
            ("vcard", VCARD),
            ("skos", SKOS),
        ):
            self.graph.bind(prefix, namespace)

    def node(self, fragment: str) -> URIRef:
        return URIRef(f"{self.address}#{fragment}")

    def add(self, subject: URIRef, predicate: URIRef, *objects) -> None:
        for value in objects:
            if value is not None:
                self.graph.add((subject, predicate, value))

    def agent(self, organisation: Organisation | None, name: str) -> URIRef:
        if organisation is not None and organisation.org_number:
            agent = URIRef(DATAPORTAL_ORGANISATION + organisation.org_number.replace("-", ""))
        elif organisation is not None:
            agent = self.node(f"organisation-{organisation.slug}")
        else:
            # The configured publisher is not one of the portal's organisations: named
            # only, and without a type, which validation will point out.
            agent = self.node("publisher")
        self.add(agent, RDF.type, FOAF.Agent)
        self.add(agent, FOAF.name, Literal(name, lang="sv"))
        if organisation is not None:
            self.add(agent, DCTERMS.type, PUBLISHER_TYPES.get(organisation.kind))
        return agent

    def contact(self, name: str) -> URIRef:
        contact = self.node("contact")
        self.add(contact, RDF.type, VCARD.Organization)
        self.add(contact, VCARD.fn, Literal(name, lang="sv"))
        self.add(contact, VCARD.hasEmail, URIRef("mailto:" + settings.OPEN_DATA_CONTACT_EMAIL))
        return contact

    def place(self, county: str) -> URIRef:
        if not county:
            return COUNTRY.SWE
        place = self.node(f"place-{slugify(county)}")
        self.add(place, RDF.type, DCTERMS.Location)
        self.add(place, SKOS.prefLabel, Literal(county, lang="sv"))
        return place

    def dataset(self, found: Dataset, contact: URIRef) -> URIRef:
        dataset = self.node(found.fragment)
        identifier = uuid.uuid5(uuid.NAMESPACE_URL, self.base + found.path)
        self.add(dataset, RDF.type, DCAT.Dataset)
        self.add(dataset, DCTERMS.identifier, Literal(str(identifier)))
        self.add(dataset, DCTERMS.title, *found.title)
        self.add(dataset, DCTERMS.description, *found.description)
        self.add(dataset, DCAT.keyword, *found.keywords)
        self.add(dataset, DCAT.theme, DATA_THEME.GOVE)
        self.add(dataset, DCTERMS.publisher, self.agent(found.publisher, found.publisher.name))
        self.add(dataset, DCAT.contactPoint, contact)
        self.add(dataset, DCTERMS.spatial, self.place(found.publisher.county))
        self.add(dataset, DCTERMS.language, LANGUAGE.SWE)
        self.add(dataset, DCAT.landingPage, URIRef(self.base + found.landing_page))
        self.add(dataset, DCTERMS.issued, _datetime(found.issued))
        self.add(dataset, DCTERMS.modified, _datetime(found.modified))
        if found.start or found.end:
            period = self.node(f"{found.fragment}-period")
            self.add(dataset, DCTERMS.temporal, period)
            self.add(period, RDF.type, DCTERMS.PeriodOfTime)
            self.add(period, DCAT.startDate, _date(found.start))
            self.add(period, DCAT.endDate, _date(found.end))
        for fmt, path in found.files.items():
            distribution = self.distribution(found, fmt, path)
            self.add(distribution, DCAT.downloadURL, URIRef(self.base + path))
            self.add(
                distribution,
                DCTERMS.title,
                *_in_both_languages(gettext_noop("%(format)s file"), format=fmt.upper()),
            )
        api = self.distribution(found, "json", found.api, fragment="api")
        self.add(api, DCTERMS.title, *_in_both_languages(gettext_noop("The portal's API (JSON)")))
        return dataset

    def distribution(self, found: Dataset, fmt: str, path: str, fragment: str = "") -> URIRef:
        distribution = self.node(f"{found.fragment}-{fragment or fmt}")
        self.graph.add((self.node(found.fragment), DCAT.distribution, distribution))
        file_type, media_type = FORMATS[fmt]
        self.add(distribution, RDF.type, DCAT.Distribution)
        self.add(distribution, DCAT.accessURL, URIRef(self.base + path))
        self.add(distribution, DCTERMS.format, file_type)
        self.add(distribution, DCAT.mediaType, media_type)
        self.add(distribution, DCTERMS.license, URIRef(settings.OPEN_DATA_LICENSE))
        return distribution


def _datetime(value: datetime | None) -> Literal | None:
    return None if value is None else Literal(value.replace(microsecond=0), datatype=XSD.dateTime)


def _date(value: date | None) -> Literal | None:
    return None if value is None else Literal(value, datatype=XSD.date)


def _strategy_dataset(strategy: Strategy, issued, modified) -> Dataset:
    path = reverse("actionplans:dataset_strategy", args=[strategy.slug, "csv"])[: -len(".csv")]
    description = strategy.summary or strategy.vision
    described = _in_both_languages(
        gettext_noop(
            "The strategy %(strategy)s: its focus areas, strategic directions and effect goals."
        ),
        strategy=strategy.title,
    )
    if description:
        described = [Literal(description, lang="sv"), described[1]]
    return Dataset(
        fragment=f"strategy-{strategy.slug}",
        path=path,
        title=[Literal(strategy.title, lang="sv")],
        description=described,
        keywords=[
            *_in_both_languages(gettext_noop("digitalisation")),
            *_in_both_languages(gettext_noop("strategy")),
            *(Literal(area.title, lang="sv") for area in strategy.focus_areas.all()),
        ],
        publisher=strategy.owner,
        start=date(strategy.period_start, 1, 1) if strategy.period_start else None,
        end=date(strategy.period_end, 12, 31) if strategy.period_end else None,
        landing_page=strategy.get_absolute_url(),
        files={fmt: f"{path}.{fmt}" for fmt in FORMATS},
        api=reverse("api_strategy", args=[strategy.slug]),
        issued=issued,
        modified=modified,
    )


def _plan_dataset(plan: ActionPlan, issued, modified) -> Dataset:
    strategy = plan.strategy
    path = reverse("actionplans:dataset_plan", args=[strategy.slug, plan.year, "csv"])[
        : -len(".csv")
    ]
    return Dataset(
        # By strategy and year, not by the plan's id: a revision is a new row, but the
        # same dataset.
        fragment=f"plan-{strategy.slug}-{plan.year}",
        path=path,
        title=_in_both_languages(
            gettext_noop("Action plan %(year)s for %(strategy)s"),
            year=plan.year,
            strategy=strategy.title,
        ),
        description=_in_both_languages(
            gettext_noop(
                "The activities of the action plan %(year)s for %(strategy)s: what is done, by "
                "whom, when, and which focus areas, strategic directions and effect goals each "
                "serves."
            ),
            year=plan.year,
            strategy=strategy.title,
        ),
        keywords=[
            *_in_both_languages(gettext_noop("digitalisation")),
            *_in_both_languages(gettext_noop("action plan")),
            *_in_both_languages(gettext_noop("activities")),
        ],
        publisher=strategy.owner,
        start=date(plan.year, 1, 1),
        end=date(plan.year, 12, 31),
        landing_page=plan.get_absolute_url(),
        files={fmt: f"{path}.{fmt}" for fmt in FORMATS},
        api=reverse("api_plan", args=[plan.pk]),
        issued=issued,
        modified=modified,
    )


def datasets() -> list[Dataset]:
    """Every public strategy and every public plan year, with their dates from history."""
    strategies = list(strategy_selectors.public_strategies().prefetch_related("focus_areas"))
    plans = list(plan_selectors.public_plans())
    strategy_ids = [strategy.pk for strategy in strategies]
    strategies_issued = strategy_selectors.strategies_first_public(strategy_ids)
    strategies_modified = strategy_selectors.strategies_last_changed(strategy_ids)
    plans_issued = plan_selectors.plans_first_public(strategy_ids)
    plans_modified = plan_selectors.plans_last_changed([plan.pk for plan in plans])
    found = [
        _strategy_dataset(s, strategies_issued.get(s.pk), strategies_modified.get(s.pk))
        for s in strategies
    ]
    found += [
        _plan_dataset(
            plan,
            plans_issued.get((plan.strategy_id, plan.year)),
            plans_modified.get(plan.pk),
        )
        for plan in plans
    ]
    return found


def catalogue_graph(base: str | None = None) -> tuple[Graph, datetime | None]:
    """The catalogue as a graph, and the newest change of anything it describes."""
    catalogue = Catalogue(base or settings.PORTAL_BASE_URL)
    found = datasets()
    name = settings.OPEN_DATA_PUBLISHER
    publisher = catalogue.agent(portal_selectors.organisation_named(name), name)
    contact = catalogue.contact(name)
    node = URIRef(catalogue.address)
    add = catalogue.add
    add(node, RDF.type, DCAT.Catalog)
    add(
        node,
        DCTERMS.title,
        *_in_both_languages(
            gettext_noop("%(publisher)s: digitalisation strategies and action plans"),
            publisher=name,
        ),
    )
    add(
        node,
        DCTERMS.description,
        *_in_both_languages(
            gettext_noop(
                "The digitalisation strategies of %(publisher)s and its partners, with their "
                "focus areas, strategic directions and effect goals, and the yearly action plans "
                "with their activities."
            ),
            publisher=name,
        ),
    )
    add(node, DCTERMS.publisher, publisher)
    add(node, DCTERMS.license, CC0)
    add(node, FOAF.homepage, URIRef(catalogue.base + "/"))
    add(node, DCTERMS.language, LANGUAGE.SWE)
    add(node, DCAT.themeTaxonomy, URIRef(str(DATA_THEME).rstrip("/")))
    modified = max((d.modified for d in found if d.modified), default=None)
    issued = min((d.issued for d in found if d.issued), default=None)
    add(node, DCTERMS.issued, _datetime(issued))
    add(node, DCTERMS.modified, _datetime(modified))
    for dataset in found:
        add(node, DCAT.dataset, catalogue.dataset(dataset, contact))
    return catalogue.graph, modified


#: Everything the catalogue describes or dates (strategies_last_changed, plans_last_changed,
#: the publishers), for its content version.
_CATALOGUE_MODELS = [
    Strategy,
    OverallGoal,
    Perspective,
    FocusArea,
    StrategicDirection,
    TacticalPoint,
    EffectGoal,
    CollaborationArea,
    Organisation,
    ActionPlan,
    Activity,
    SubGoal,
    BudgetLine,
]


def catalogue_rdf_xml(base: str | None = None) -> tuple[str, datetime | None]:
    """The catalogue as RDF/XML and its newest change, built once per content version.

    Building it costs about 400 ms of rdflib for the national data set, and a harvester or
    a crawler asks often; every write leaves a history row, so the newest history date of
    each table it describes is a version that changes with every change it would show. The
    day is in the key too: a strategy becomes public on its first day without a write."""
    address = base or settings.PORTAL_BASE_URL
    parts = (
        address,
        settings.OPEN_DATA_PUBLISHER,
        settings.OPEN_DATA_LICENSE,
        settings.OPEN_DATA_CONTACT_EMAIL,
        today().isoformat(),
        history_version(_CATALOGUE_MODELS),
    )
    key = content_key("dcat", *parts)
    kept = cache.get(key)
    if kept is not None:
        return kept
    graph, modified = catalogue_graph(address)
    built = (graph.serialize(format="xml"), modified)
    cache.set(key, built, timeout=settings.PAGE_FRAGMENT_CACHE_SECONDS)
    return built
