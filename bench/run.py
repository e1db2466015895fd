#!/usr/bin/env python
"""Serve the portal with gunicorn on PostgreSQL and load its main pages with wrk.

    .venv/bin/python bench/run.py            # generate the data set if needed, then measure
    .venv/bin/python bench/run.py --fresh    # drop and regenerate the benchmark database

Prints a Markdown table: p50/p95 latency and requests per second per page, beside the
Django admin's change list showing the same 300 activities, measured in the same run, and
beside each public page its static-file floor: the page's own bytes served as a static
file (WhiteNoise) by the same gunicorn in the same run, the most a page could ever give.
Only loopback traffic; every wrk run is bounded in time.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
PORT = int(os.environ.get("BENCH_PORT", "8088"))
BASE = f"http://127.0.0.1:{PORT}"


def env(static_root: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_hex(32),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": static_root,
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": DATABASE,
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14"),
        # As in production: one cache shared by all gunicorn workers.
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/13"),
        # wrk's eight connections come from one address: the API's per-address limit would
        # answer 429 within a second.
        "API_RATE_PER_ADDRESS": "10000000/minute",
    }


def manage(environment: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def prepare(environment: dict[str, str], fresh: bool) -> dict[str, str]:
    name = DATABASE.rsplit("/", 1)[1]
    if fresh:
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True
        )
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
        check=False,
        capture_output=True,
    )
    manage(environment, "migrate", "--noinput")
    generated = manage(
        environment,
        "shell",
        "-c",
        "from strategy.models import Strategy;"
        "print(Strategy.objects.filter(slug='bench-01').exists())",
    )
    generated = generated.strip().splitlines()[-1]
    if generated != "True":
        print("Generating the national data set (a few minutes)…", flush=True)
        started = time.monotonic()
        manage(environment, "generate_national")
        print(f"… done in {time.monotonic() - started:.0f} s", flush=True)
    # Fresh statistics, as autovacuum keeps them on a live database: without them the
    # planner guesses one row per plan and sorts all 37,800 activities for a page of 100.
    subprocess.run(["psql", DATABASE, "-q", "-c", "ANALYZE"], check=True)
    manage(environment, "collectstatic", "--noinput")
    facts = manage(environment, "shell", "-c", SESSION_CODE).strip().splitlines()[-1]
    return json.loads(facts)


# A staff session (the admin reference), a coordinator's, and the ids the URLs need.
SESSION_CODE = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from actionplans.models import ActionPlan
from portal.middleware import SecondFactorMiddleware
# The backend the portal signs people in with (settings.AUTHENTICATION_BACKENDS): a session
# naming another is anonymous.
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
from portal.models import User
user, _ = User.objects.get_or_create(username="bench-admin",
                                     defaults={"is_staff": True, "is_superuser": True})


# A session as sign-in leaves it, its second factor checked (portal.middleware).
def signed_in(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SecondFactorMiddleware.SESSION_KEY] = True
    session.create()
    return session


session = signed_in(user)
plan = ActionPlan.objects.get(strategy__slug="bench-01", year=2026)
offer = plan.offers.first()

# A coordinator of bench-01 (a member of its coordinators body, granted as the portal grants
# them) for the signed-in pages that a real coordinator opens.
from actionplans.services.permissions import access_sync
from followup.models import FollowUpRound
from portal.models import Body, Membership
strategy = plan.strategy
coordinators, _ = Body.objects.get_or_create(
    slug="bench-01-samordnare",
    defaults={"name": "Samordnare bench-01", "kind": Body.Kind.COORDINATORS,
              "organisation": strategy.owner},
)
strategy.governing_bodies.add(coordinators)
coordinator, _ = User.objects.get_or_create(
    username="bench-coordinator", defaults={"organisation": strategy.owner})
Membership.objects.get_or_create(user=coordinator, body=coordinators, ended_on=None)
access_sync(strategy=strategy)
coordinator_session = signed_in(coordinator)
follow_up = FollowUpRound.objects.filter(plan=plan).order_by("-pk").first()
print(json.dumps({"session": session.session_key, "plan": plan.pk,
                  "activities": plan.activities.count(), "offer": offer.pk,
                  "recipients": offer.recipients.count(),
                  "coordinator_session": coordinator_session.session_key,
                  "round": follow_up.pk, "reports": follow_up.reports.count()}))
"""


def wrk(url: str, seconds: int, cookie: str | None = None) -> dict[str, float]:
    command = [
        "wrk",
        "-t2",
        "-c8",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fresh", action="store_true", help="regenerate the data set")
    parser.add_argument("--seconds", type=int, default=15, help="per page")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--only", default="", help="measure only the pages whose label has this")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk).")

    static_root = tempfile.mkdtemp(prefix="bench-static-")
    environment = env(static_root)
    facts = prepare(environment, args.fresh)
    pages = page_list(facts)
    # WhiteNoise reads the static files when a worker starts: serve once to fetch each
    # public page's bytes, write them as static files, then serve again.
    server = serve(environment, args.workers)
    try:
        floors = write_floors(pages, Path(static_root) / "bench-floor")
    finally:
        stop(server)
    server = serve(environment, args.workers)
    try:
        check_pages(pages)
        results = []
        for label, path, cookie in pages:
            if args.only.lower() not in label.lower():
                continue
            wrk(BASE + path, 2, cookie)  # warm-up
            floor = None
            if path in floors:
                wrk(BASE + floors[path], 2)
                floor = wrk(BASE + floors[path], args.seconds)
            results.append((label, path, wrk(BASE + path, args.seconds, cookie), floor))
    finally:
        stop(server)
        shutil.rmtree(static_root, ignore_errors=True)
    report(args, results, len(pages))


def serve(environment: dict[str, str], workers: int = 4) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=1)  # noqa: S310
            break
        except OSError:
            time.sleep(0.2)
    return server


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def check_pages(pages: list[tuple[str, str, str | None]]) -> None:
    """Every page answers 200 before it is measured: a redirect to the sign-in page would
    be measured as a fast page (wrk counts only 4xx and 5xx as errors)."""
    opener = urllib.request.build_opener(_NoRedirect)
    for label, path, cookie in pages:
        request = urllib.request.Request(BASE + path, headers={"Cookie": cookie or ""})  # noqa: S310 (loopback)
        try:
            with opener.open(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            sys.exit(f"{label} ({path}) answers {status}, not 200: not measured.")


def write_floors(pages: list[tuple[str, str, str | None]], folder: Path) -> dict[str, str]:
    """Each public page's bytes as a static file; the static URL of each, by page path."""
    folder.mkdir(parents=True, exist_ok=True)
    floors = {}
    for number, (_label, path, cookie) in enumerate(pages):
        if cookie or path.startswith(("/api/", "/datasets/")):
            continue
        with urllib.request.urlopen(BASE + path, timeout=30) as response:  # noqa: S310
            (folder / f"page-{number}.html").write_bytes(response.read())
        floors[path] = f"/static/bench-floor/page-{number}.html"
    return floors


def page_list(facts: dict) -> list[tuple[str, str, str | None]]:
    plan_url = "/handlingsplaner/bench-01/2026/"
    admin_url = f"/admin/actionplans/activity/?plan__id__exact={facts['plan']}"
    pages = [
        ("Start page", "/", None),
        ("Strategy tree", "/strategier/bench-01/", None),
        ("Focus area", "/strategier/bench-01/digital-kompetens/", None),
        ("Collaboration areas", "/strategier/bench-01/samverkansomraden/", None),
        ("Published plans (126)", "/handlingsplaner/", None),
        (f"Plan page ({facts['activities']} activities)", plan_url, None),
        (
            f"Admin change list, same {facts['activities']} activities (reference)",
            admin_url,
            f"sessionid={facts['session']}",
        ),
        (
            f"Offer matrix ({facts['activities']} activities × {facts['recipients']} "
            "organisations, signed in)",
            f"/erbjudanden/{facts['offer']}/",
            f"sessionid={facts['session']}",
        ),
        # Signed in: the national data set's rounds have no approved report, so the
        # public would see none of them.
        (
            "Programme dashboard (6 rounds × 300 activities, signed in)",
            "/strategier/bench-01/uppfoljning/oversikt/",
            f"sessionid={facts['session']}",
        ),
        (
            f"Plan workspace ({facts['activities']} activities, coordinator)",
            f"/planarbete/{facts['plan']}/",
            f"sessionid={facts['coordinator_session']}",
        ),
        (
            f"Follow-up round ({facts['reports']} reports, coordinator)",
            f"/uppfoljning/{facts['round']}/",
            f"sessionid={facts['coordinator_session']}",
        ),
        (
            "Activity search (a rare word, coordinator)",
            "/handlingsplaner/sok/?q=tillg%C3%A4nglighet",
            f"sessionid={facts['coordinator_session']}",
        ),
        (
            "Activity search (a word in most of the 37 800 activities, coordinator)",
            "/handlingsplaner/sok/?q=bredband",
            f"sessionid={facts['coordinator_session']}",
        ),
        ("Home page of a coordinator", "/hem/", f"sessionid={facts['coordinator_session']}"),
        ("API: a page of 100 activities", "/api/v1/activities/?limit=100", None),
        ("Open data: the DCAT catalogue (21 regions × 6 years)", "/datasets/dcat", None),
        (
            f"API: the whole plan as JSON ({facts['activities']} activities)",
            f"/api/v1/plans/{facts['plan']}/",
            None,
        ),
    ]
    return pages


def report(args: argparse.Namespace, results: list, page_count: int) -> None:
    print(
        f"\n{args.workers} gunicorn workers, wrk 2 threads × 8 connections, "
        f"{args.seconds} s per page, {os.cpu_count()} cores\n"
    )
    print(
        "| page | p50 ms | p95 ms | requests/s | errors "
        "| static floor p95 ms | floor requests/s | share of floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, _path, r, floor in results:
        row = f"| {label} | {r['p50']:.1f} | {r['p95']:.1f} | {r['rps']:.1f} | {r['errors']} |"
        if floor:
            share = r["rps"] / floor["rps"] * 100
            row += f" {floor['p95']:.1f} | {floor['rps']:.1f} | {share:.0f} % |"
        else:
            row += " | | |"
        print(row)
    if len(results) < page_count:
        return
    plan = results[5][2]
    admin = results[6][2]
    print(
        f"\nPlan page vs admin reference: {plan['rps'] / admin['rps']:.1f}× the requests/s; "
        f"p95 {plan['p95']:.1f} ms (target ≤ 100 ms, ≥ 10×)."
    )


if __name__ == "__main__":
    main()
