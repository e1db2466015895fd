"""Every route of the project, for every role: the expected outcome of a GET.

A route without an entry here fails ``test_every_route_is_in_the_matrix``, so a new page
cannot ship without someone deciding who may open it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from portal.models import User

COUNTY = "orebro-lan-2021-2026"
ROLES = [
    "anonymous",
    "samordnare",
    "styrgrupp",
    "strategigrupp",
    "rad",
    "insatsledare-digital-infrastruktur",
    "kontakt-kumla",
]
LOGIN = "login"  # a redirect to the sign-in page


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome, anonymous):
    return {**everyone(outcome), "anonymous": anonymous}


# route name -> list of (path, {role: expected outcome})
MATRIX = {
    "start": [("/", everyone(200))],
    "home": [("/hem/", signed_in(200, anonymous=LOGIN))],
    "healthz": [("/healthz", everyone(200))],
    "accessibility": [("/tillganglighet/", everyone(200))],
    "favicon": [("/favicon.ico", everyone(301))],
    "login": [("/accounts/login/", signed_in(302, anonymous=200))],
    "logout": [("/accounts/logout/", everyone(405))],  # signing out is a POST
    # The switcher POSTs; a GET only redirects back and changes nothing (Django).
    "set_language": [("/i18n/setlang/", everyone(302))],
    "strategy:list": [("/strategier/", everyone(200))],
    "strategy:detail": [
        (f"/strategier/{COUNTY}/", everyone(200)),
        ("/strategier/finns-inte/", everyone(404)),
    ],
    "strategy:collaboration_areas": [(f"/strategier/{COUNTY}/samverkansomraden/", everyone(200))],
    "strategy:focus_area": [
        (f"/strategier/{COUNTY}/digital-ledning/", everyone(200)),
        # A focus area is only found under its own strategy.
        ("/strategier/region-orebro-program-2021-2026/digital-ledning/", everyone(404)),
    ],
    "actionplans:list": [("/handlingsplaner/", everyone(200))],
    "actionplans:detail": [
        (f"/handlingsplaner/{COUNTY}/2023/", everyone(200)),
        # The 2024 plan is a draft: not public. (Issue 4 opens it to its editors.)
        (f"/handlingsplaner/{COUNTY}/2024/", everyone(404)),
    ],
    "admin:index": [("/admin/", {**everyone("admin-login"), "samordnare": 200})],
}


def _route_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _route_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_route_is_in_the_matrix():
    routes = {name for name in _route_names(get_resolver()) if not name.startswith("admin:")}
    missing = routes - set(MATRIX)
    assert not missing, f"routes without an entry in the authorization matrix: {missing}"
    assert not set(MATRIX) - routes - {"admin:index"}, "matrix entries for routes that are gone"


CASES = [
    (name, path, role, expected)
    for name, rows in MATRIX.items()
    for path, outcomes in rows
    for role, expected in outcomes.items()
]


@pytest.mark.parametrize(
    ("name", "path", "role", "expected"),
    CASES,
    ids=[f"{role}-{path}" for _name, path, role, _expected in CASES],
)
def test_outcome(client, demo, name, path, role, expected):
    if role != "anonymous":
        client.force_login(User.objects.get(username=role))
    response = client.get(path)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    elif expected == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == expected, response.content[:300]
