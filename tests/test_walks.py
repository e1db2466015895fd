"""Walks over every route of the portal with bad input: no request ends in a server error.

Each walk takes one role (anonymous, a coordinator, a municipality's contact, a member of
the steering group, staff) and a small programme made here. The GET walk opens every route
of the URL resolver (but the admin's: Django's own, 300 routes) with real ids and with
ids that are not there, and a query string of generated values for the names the views
read. The POST walk posts generated values for each field of each form the role's pages
show (found in their HTML, formsets and dynamic fields included) to the form's route, and
to every other route a post of the names the views read by hand. Hypothesis draws the
values (digits that are not ASCII, huge and negative numbers, NUL, long text, odd
percent-encodings and odd UTF-8, years 1 and 9999); a failure names its request whole.
Staff is a superuser, who sees every form.

Each example runs in a savepoint that is rolled back, so a post that deletes or moves
something leaves the next example the same programme.
"""

import inspect
import re
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from portal.services import api_token_create
from strategy.models import TREE_NODES
from tests.factories import UserFactory, activities_make, project_make
from tests.test_authorization_matrix import _route_names

ROLES = ["anonymous", "coordinator", "contact", "steering", "staff"]

# --- The routes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # with its namespace, for reverse()
    pattern: str  # the whole route, for reading
    kwargs: tuple[str, ...]  # the path's converters, by name
    view: object


def _routes(
    resolver: URLResolver, prefix: str = "", namespace: str = "", outer: tuple[str, ...] = ()
) -> list[Route]:
    routes = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            # An include's own groups (django-allauth's oidc/<provider_id>/ is a re_path).
            names = (*getattr(pattern.pattern, "converters", {}), *pattern.pattern.regex.groupindex)
            routes += _routes(pattern, prefix + str(pattern.pattern), inner, (*outer, *names))
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = getattr(pattern.pattern, "converters", {})
            routes.append(
                Route(
                    f"{namespace}{pattern.name}",
                    prefix + str(pattern.pattern),
                    tuple(dict.fromkeys((*outer, *converters))),
                    pattern.callback,
                )
            )
    return routes


#: Every route but the admin's: Django's own views, and 300 of them (not walked yet).
ROUTES = [r for r in _routes(get_resolver()) if not r.name.startswith("admin:")]


def test_the_walks_know_every_route():
    names = {name for name in _route_names(get_resolver()) if not name.startswith("admin:")}
    assert {route.name for route in ROUTES} == names


# --- The query names the views read -----------------------------------------------------------

PROJECT = Path(__file__).resolve().parent.parent
READS = re.compile(
    r"""(?:(?:query|posted)_\w+\(request,\s*|request\.(?:GET|POST)\.get\(|query\.get\()"""
    r"""["'](\w+)["']|["'](\w+)["'] in request\.(?:GET|POST)"""
)


def _names_in(text: str) -> set[str]:
    return {a or b for a, b in READS.findall(text)}


def _names_read() -> set[str]:
    """The names the views (and the plan page's filters) read from a request by hand."""
    names = set()
    for app in ("portal", "strategy", "actionplans", "followup"):
        for path in (PROJECT / app).rglob("*.py"):
            names |= _names_in(path.read_text())
    return names


#: What the views read, and what Django's views read (sign-in and the language switcher).
QUERY_NAMES = sorted(_names_read() | {"next", "language"})
#: Names a view reads through another function: the plan page's filters (PlanFilters).
READ_ELSEWHERE = {
    "actionplans:detail": {"status", "typ", "organisation", "fokusomrade", "visa"},
    "login": {"next"},
    "set_language": {"next", "language"},
}


def _route_names_read(route: Route) -> list[str]:
    """The names the route's view reads (from its source), or every name if it reads none
    that way: a view that reads nothing must also ignore what it is sent."""
    try:
        names = _names_in(inspect.getsource(inspect.unwrap(route.view)))  # type: ignore[arg-type]
    except (OSError, TypeError):  # a class-based view of Django's
        names = set()
    names |= READ_ELSEWHERE.get(route.name, set())
    return sorted(names) or QUERY_NAMES


#: Route name -> the names its view reads.
NAMES = {route.name: _route_names_read(route) for route in ROUTES}


def test_the_walks_send_what_the_views_read():
    read = set(QUERY_NAMES)
    assert {"ar", "organ", "area", "svar", "typ", "organisation", "q", "visa"} <= read
    assert {"status", "fokusomrade", "strategi", "action", "direction", "submit"} <= read
    assert NAMES["decision_register"] == ["ar", "organ"]
    assert NAMES["actionplans:activity_create"] == ["area"]


# --- Generated values ------------------------------------------------------------------------

NASTY = [
    "",
    "²",
    "²²²²",
    "١٢",
    "١٢٣٤",
    "𝟚𝟘𝟚𝟞",
    " 12 ",
    "12\n",
    "-1",
    "0",
    "-0",
    "007",
    "2026",
    "1e3",
    "1.5",
    "0x1F",
    "NaN",
    "Infinity",
    "1E+999999",
    str(2**31),
    str(2**63),
    "-" + str(2**63 + 1),
    "9" * 40,
    "\x00",
    "a\x00b",
    "\u202e\u200b",
    "😀",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "x" * 5000,
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-02-30",
    "2026-13-01T25:61",
    "up",
    "down",
    "close",
    "reopen",
    "approve",
    "yes",
    "on",
]
#: Already percent-encoded: what a browser never sends but a URL may carry.
RAW = [
    "%",
    "%%",
    "%2",
    "%zz",
    "%00",
    "%ff%fe",
    "%C0%AF",  # an overlong "/"
    "%ED%A0%80",  # a lone surrogate, encoded as UTF-8
    "%F4%90%80%80",  # past the last code point
    "+%2B+",
    "%E2%80%AE",
]

#: What str.isdigit() or int() take and no column holds or the code expects.
DIGITS = ["²", "²²²²", "١٢", "١٢٣٤", "𝟚𝟘𝟚𝟞", " 12 ", "12\n", str(2**63), "9" * 40, "-1"]

value = st.one_of(
    st.sampled_from(DIGITS),
    st.sampled_from(NASTY),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=30),
)
#: Dates around the years the portal takes (1900-2200), and days and months no calendar has.
date_value = st.builds(
    "{:04d}-{:02d}-{:02d}".format,
    st.sampled_from([1, 1899, 1900, 2026, 2200, 2201, 9999]),
    st.integers(0, 13),
    st.integers(0, 32),
)
datetime_value = st.builds(
    "{}T{}".format, date_value, st.sampled_from(["00:00", "23:59", "24:00", "12:60"])
)
number_value = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["²", "١٢", " 12 ", "1e3", "1E+999999", "NaN", "-0", "0.001", "1,5"]),
)
#: By the input's type in the page's HTML: what is most likely to break that kind of field.
BY_KIND = {"date": date_value, "datetime-local": datetime_value, "number": number_value}

#: A query value as it appears in the query string.
query_value = st.one_of(value.map(lambda v: quote(v, safe="")), st.sampled_from(RAW))


def query_string(names: list[str]):
    """A query of the names a route reads (now and then one of another route's), each of
    them perhaps twice."""
    pairs = st.lists(st.tuples(st.sampled_from(names), query_value), min_size=1, max_size=4)
    other = st.lists(st.tuples(st.sampled_from(QUERY_NAMES), query_value), max_size=1)
    return st.builds(lambda a, b: "&".join(f"{n}={v}" for n, v in a + b), pairs, other)


BAD_IDS = ["0", str(2**31), str(2**63), "9" * 40]
BAD_SLUGS = ["finns-inte", "-", "_", "a" * 300]


# --- The programme the walks walk ----------------------------------------------------------------


@dataclass
class Walk:
    users: dict
    #: Real values per converter: by name, and for ``slug`` by the route's first segment.
    values: dict[str, list[str]]
    slugs: dict[str, list[str]]

    def real(self, route: Route) -> dict[str, list[str]]:
        first = route.pattern.split("/", 1)[0]
        return {
            name: self.slugs.get(f"{first}/{name}") or self.values[name] for name in route.kwargs
        }


def _walk_make(p, programme_round) -> Walk:
    from allauth.mfa.models import Authenticator

    from actionplans.models import (
        BudgetLine,
        Initiative,
        Offer,
        OfferRecipient,
        PlanImport,
        SubGoal,
    )
    from followup.models import Report
    from portal.models import AgendaItem, Meeting
    from strategy.models import (
        Consultation,
        ConsultationAnswer,
        ConsultationRecipient,
        Indicator,
    )
    from tests.webauthn_key import SoftKey

    published = activities_make(p)
    project = project_make(p)
    # A sub-goal and a budget line, so the reports' forms have their rows.
    SubGoal.objects.create(activity=published[0], title="Delmål", planned_count=2)
    BudgetLine.objects.create(
        activity=published[0], kind=BudgetLine.Kind.COST, year=2023, label="Personal", amount=1
    )
    staff = UserFactory(organisation=p.region, is_staff=True, is_superuser=True)
    starts = timezone.now() + timedelta(days=3)
    meeting = Meeting.objects.create(
        body=p.steering_group, title="Möte", starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    item = AgendaItem.objects.create(meeting=meeting, title="Punkt", order=1)
    initiative = Initiative.objects.create(
        strategy=p.strategy,
        title="Initiativ",
        problem="Problem",
        expected_benefit="Nytta",
        proposed_kind="prestudy",
        organisation=p.municipality,
        submitted_by=p.contact,
    )
    offer = Offer.objects.create(
        plan=p.published_plan,
        title="Erbjudande",
        deadline=timezone.localdate() + timedelta(days=5),
        sent_by=p.coordinator,
    )
    offer.activities.set(published[:2])
    OfferRecipient.objects.create(offer=offer, organisation=p.municipality)
    upload = PlanImport(
        plan=p.draft_plan,
        uploaded_by=p.coordinator,
        original_name="plan.xlsx",
        size=1,
        sha256="0" * 64,
        state=PlanImport.State.INVALID,
    )
    upload.file.save("walk.xlsx", ContentFile(b"x"), save=False)
    upload.save()
    followup_round = programme_round(p.published_plan)
    pdf = Report(round=followup_round, version=1, state=Report.State.DONE, sha256="0" * 64, pages=1)
    pdf.file.save("walk.pdf", ContentFile(b"%PDF-1.7 walk"), save=False)
    pdf.save()
    indicator = Indicator.objects.create(
        strategy=p.strategy, focus_area=p.focus_area, title="Indikator", per_organisation=True
    )
    # The strategy's consultation, to the municipality, whose contact answered on the whole.
    consultation = Consultation.objects.create(
        strategy=p.strategy,
        deadline=timezone.localdate() + timedelta(days=5),
        sent_by=p.coordinator,
    )
    consultation_recipient = ConsultationRecipient.objects.create(
        consultation=consultation, organisation=p.municipality
    )
    consultation_answer = ConsultationAnswer.objects.create(
        recipient=consultation_recipient,
        part="strategy",
        stance=ConsultationAnswer.Stance.AGREE,
        answered_by=p.contact,
    )
    report = followup_round.reports.get(activity=published[0])
    history = project.history.earliest("history_date")
    token, _key = api_token_create(user=p.coordinator, name="Walk")
    # A security key of the coordinator's (a real key's data, as allauth parses it).
    key = Authenticator.objects.create(
        user=p.coordinator,
        type=Authenticator.Type.WEBAUTHN,
        data=SoftKey().stored("Nyckel"),
    )

    def ids(*objects) -> list[str]:
        return [str(o.pk) for o in objects]

    return Walk(
        users={
            "anonymous": None,
            "coordinator": p.coordinator,
            "contact": p.contact,
            "steering": p.steering,
            "staff": staff,
        },
        values={
            "slug": [p.strategy.slug],
            "strategy_slug": [p.strategy.slug],
            "provider_id": ["no-such-provider"],
            "meeting_id": ids(meeting),
            "item_id": ids(item),
            "indicator_id": ids(indicator),
            "year": ["2023", "2024"],
            "fmt": ["xlsx", "csv"],
            "initiative_id": ids(initiative),
            "plan_id": ids(p.draft_plan, p.published_plan),
            "name": ["submit", "send_back", "approve", "publish", "close", "consult", "decide"],
            "offer_id": ids(offer),
            "import_id": ids(upload),
            "activity_id": ids(project, *published),
            "history_id": [str(history.history_id)],
            "round_id": ids(followup_round),
            # An activity's report on its own routes, a PDF report version on the others.
            "report_id": ids(report, pdf),
            "token_id": ids(token),
            "membership_id": ids(*p.steering_group.memberships.all()),
            # The strategy editor's rows: a kind of the tree and a row of it.
            "kind": sorted(TREE_NODES),
            "row_id": ids(p.focus_area, p.direction),
            # allauth's SAML routes name their provider by its client id.
            "organization_slug": ["no-such-provider"],
            # allauth's security keys, by their own primary key.
            "pk": ids(key),
            "consultation_id": ids(consultation),
            "answer_id": ids(consultation_answer),
            "recipient_id": ids(consultation_recipient),
        },
        slugs={
            "organ/slug": [p.steering_group.slug, p.coordinators.slug],
            "organisationer/slug": [p.municipality.slug, p.region.slug],
            "strategier/slug": [p.strategy.slug, p.focus_area.slug],
        },
    )


# --- Requests --------------------------------------------------------------------------------


def _client(walk: Walk, role: str) -> Client:
    client = Client()  # an exception in a view is raised here, with its traceback
    if walk.users[role] is not None:
        client.force_login(walk.users[role])
    return client


def _path(data, walk: Walk, route: Route) -> str:
    """The route with real values, or with one of them one that is not there."""
    real = walk.real(route)
    kwargs = {name: data.draw(st.sampled_from(values)) for name, values in real.items()}
    spoiled = data.draw(st.sampled_from([None, None, *route.kwargs]))
    if spoiled is not None:
        bad = BAD_SLUGS if "slug" in spoiled or spoiled in ("name", "fmt", "kind") else BAD_IDS
        kwargs[spoiled] = data.draw(st.sampled_from(bad))
    return reverse(route.name, kwargs=kwargs)


def _check(response, role: str, method: str, url: str, data=None) -> None:
    assert response.status_code < 500, (
        f"{role} {method} {url} {data!r}: {response.status_code} {response.content[:300]!r}"
    )


def _headers(data) -> dict:
    return {"headers": {"HX-Request": "true"}} if data.draw(st.booleans()) else {}


#: No shrinking: a failure names its whole request (role, method, URL, what was posted), and
#: shrinking would replay walks of a hundred requests each for minutes.
WALK = settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def walk(programme, programme_round, settings) -> Walk:
    settings.IMPORT_SYNC_MAX_BYTES = 64 * 1024  # a posted file is checked in the request
    return _walk_make(programme, programme_round)


@pytest.mark.parametrize("role", ROLES)
def test_get_walk(walk, role):
    @WALK
    @given(data=st.data())
    def run(data):
        client = _client(walk, role)
        with transaction.atomic():
            for route in ROUTES:
                path = _path(data, walk, route)
                query = data.draw(query_string(NAMES[route.name]), label=route.name)
                url = f"{path}?{query}" if query else path
                _check(client.get(url, **_headers(data)), role, "GET", url)
            transaction.set_rollback(True)

    run()


# --- Forms ----------------------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # input type, "select" or "textarea"
    values: list[str]  # what the page offers: an input's value, a select's options


class FormFinder(HTMLParser):
    """The forms of a page that post: their action and their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, FormField]]] = []
        self._select: FormField | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self.forms.append((a.get("action") or "", {}))
            else:
                self.forms.append(("#get", {}))
            return
        if not self.forms:
            return
        fields = self.forms[-1][1]
        name = a.get("name")
        if tag in ("input", "button", "textarea", "select") and name:
            kind = a.get("type", "text") if tag == "input" else tag
            entry = fields.setdefault(name, FormField(name, kind, []))
            if a.get("value") is not None:
                entry.values.append(a["value"] or "")
            if tag == "select":
                self._select = entry
        elif tag == "option" and self._select is not None:
            self._select.values.append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _forms_of(walk: Walk, role: str) -> dict[str, list[tuple[str, dict[str, FormField]]]]:
    """Route name -> the forms posting to it that the role's pages show."""
    client = _client(walk, role)
    found: dict[str, list] = {}
    seen = set()
    for route in ROUTES:
        real = walk.real(route)
        combos = [{}]
        for name, values in real.items():
            combos = [{**c, name: v} for c in combos for v in values]
        for kwargs in combos:
            path = reverse(route.name, kwargs=kwargs)
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            finder = FormFinder()
            finder.feed(response.content.decode())
            for action, fields in finder.forms:
                if action == "#get":
                    continue
                target = urlsplit(action or path).path
                try:
                    match = resolve(target)
                except Resolver404:
                    continue
                key = (target, tuple(sorted(fields)))
                if key not in seen:
                    seen.add(key)
                    found.setdefault(match.view_name, []).append((target, fields))
    return found


def _field_value(data, form_field: FormField):
    """A value for a field: one the page offers, or a generated one; several for a list of
    checkboxes; a file of generated bytes for a file."""
    offered = [v for v in form_field.values if v]
    generated = st.one_of(BY_KIND[form_field.kind], value) if form_field.kind in BY_KIND else value
    one = st.one_of(st.sampled_from(offered), generated) if offered else generated
    if form_field.kind == "file":
        content = data.draw(st.sampled_from([b"", b"x", b"PK\x03\x04garbage", "²".encode()]))
        return SimpleUploadedFile(data.draw(st.sampled_from(["plan.xlsx", "²\x00.xlsx"])), content)
    if form_field.kind == "checkbox":
        return data.draw(st.lists(one, max_size=3))
    return data.draw(one)


def _by_hand(route: Route) -> dict[str, FormField]:
    """A post to a route whose form the role's pages do not show: what its view reads."""
    return {name: FormField(name, "text", []) for name in NAMES[route.name]}


@pytest.mark.parametrize("role", ROLES)
def test_post_walk(walk, role):
    forms = _forms_of(walk, role)
    assert role == "anonymous" or forms, f"{role} sees no form: the walk would post nothing real"

    @WALK
    @given(data=st.data())
    def run(data):
        client = _client(walk, role)
        with transaction.atomic():
            for route in ROUTES:
                targets = forms.get(route.name) or [(None, _by_hand(route))]
                for target, fields in targets:
                    path = target if target and data.draw(st.integers(0, 3)) else None
                    path = path or _path(data, walk, route)
                    posted = {}
                    for name, form_field in fields.items():
                        if data.draw(st.integers(0, 5)):  # now and then a field is missing
                            posted[name] = _field_value(data, form_field)
                    response = client.post(path, posted, **_headers(data))
                    _check(response, role, "POST", path, posted)
                    if route.name in ("login", "logout") and walk.users[role] is not None:
                        client.force_login(walk.users[role])
            transaction.set_rollback(True)

    run()
