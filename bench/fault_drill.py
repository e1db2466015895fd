#!/usr/bin/env python
"""Restart PostgreSQL and then Redis under load, and count the errors in each window.

    .venv/bin/python bench/fault_drill.py               # about 2 minutes
    .venv/bin/python bench/fault_drill.py --redis-down 3

The production layout on this machine: gunicorn (3 sync workers, production settings) and a
Celery worker, on PostgreSQL (its own database, ``portal_drill``, made afresh from the demo)
and Redis (broker and cache in databases of their own). Python threads load four public
pages (answered from memory at the front door, without the database); one signed-in person
loads their home page, which asks the database, and submits an initiative every second,
whose receipt the worker mails. In the middle PostgreSQL is restarted (``pg_ctlcluster``),
then Redis is killed and started again a few seconds later, without persistence: what was
queued in it is lost.

Prints, per window (before, PostgreSQL restarting, between, Redis down, after), the
requests of each kind, their 503s ("briefly unavailable"), other 5xx and connection errors,
and latencies; then what became of the initiatives: each submitted one must have its
receipt mailed in the end, by the worker directly or after the minutely sweep (run here
once, a minute after the last one).

Only loopback traffic; the load is bounded in time, and both servers are started again
even if the drill fails (check ``pg_isready -h 127.0.0.1`` and ``redis-cli ping``).
"""

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = os.environ.get("DRILL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_drill")
BROKER = os.environ.get("DRILL_BROKER_URL", "redis://127.0.0.1:6379/11")
CACHE = os.environ.get("DRILL_CACHE_URL", "redis://127.0.0.1:6379/12")
PORT = int(os.environ.get("DRILL_PORT", "8089"))
BASE = f"http://127.0.0.1:{PORT}"
PG_CLUSTER = ("15", "main")
REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379"]
REDIS_START += ["--save", ""]
#: As docker-compose.yml runs them.
GUNICORN = [PYTHON, "-m", "gunicorn", "portal.wsgi:application", "--workers", "3"]
GUNICORN += ["--log-level", "warning"]
WORKER = [PYTHON, "-m", "celery", "-A", "portal", "worker", "--concurrency=2"]
WORKER += ["--loglevel=WARNING", "--without-heartbeat", "--without-gossip"]


def env(static_root: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_hex(32),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": static_root,
        "DJANGO_LOG_LEVEL": "INFO",  # the cache's "answers again" is info
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DEMO_PASSWORD": secrets.token_hex(8),
        "DATABASE_URL": DATABASE,
        "CELERY_BROKER_URL": BROKER,
        "CACHE_URL": CACHE,
        "PORTAL_VAR_DIR": tempfile.mkdtemp(prefix="drill-var-"),
    }


def manage(environment: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args[:2])} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def shell(environment: dict[str, str], code: str):
    return json.loads(manage(environment, "shell", "-c", code).strip().splitlines()[-1])


# A session for a person who submits initiatives, and what the form needs.
FACTS_CODE = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from actionplans.access import can_submit
from actionplans.initiative_forms import intake_strategies
from actionplans.models import ActionPlan
from portal.models import User
# Not staff or a coordinator: those must set up a second factor before they can work.
people = (User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
          .exclude(email="").exclude(memberships__body__kind="coordinators").order_by("pk"))
user = next(u for u in people if can_submit(u))
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
# A backend from AUTHENTICATION_BACKENDS: with any other, Django treats the session as
# signed out, the form redirects to the sign-in and every submission is refused (403).
session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
strategy = intake_strategies().first()
plan = ActionPlan.objects.filter(state="published").select_related("strategy").first()
print(json.dumps({"session": session.session_key, "strategy": strategy.pk,
                  "strategy_slug": plan.strategy.slug, "plan_year": plan.year}))
"""

OUTCOME_CODE = """
import json
from actionplans.models import InitiativeEvent
events = InitiativeEvent.objects.filter(initiative__title__startswith="Övning RUN ")
print(json.dumps({"events": events.count(),
                  "notified": events.filter(notified_at__isnull=False).count()}))
"""

SWEEP_CODE = """
import json
from actionplans.tasks import requeue_owed_jobs
print(json.dumps(requeue_owed_jobs()))
"""


# --- The servers ------------------------------------------------------------------------


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0


def redis_ready() -> bool:
    result = subprocess.run(["redis-cli", "ping"], capture_output=True, text=True, check=False)
    return result.stdout.strip() == "PONG"


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def restart_postgres() -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER, "restart"],
        check=True,
        capture_output=True,
    )
    wait_for(pg_ready, 30)


def redis_pid() -> int | None:
    result = subprocess.run(
        ["redis-cli", "info", "server"], capture_output=True, text=True, check=False
    )
    found = re.search(r"process_id:(\d+)", result.stdout)
    return int(found.group(1)) if found else None


def start_redis() -> None:
    subprocess.run(REDIS_START, check=True, capture_output=True, cwd=tempfile.gettempdir())
    wait_for(redis_ready, 10)


def stop_redis() -> None:
    pid = redis_pid()
    if pid is None:
        return
    os.kill(pid, 15)
    wait_for(lambda: not redis_ready(), 10)


def servers_up() -> None:
    """Whatever happened, leave PostgreSQL and Redis running."""
    if not pg_ready():
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER, "start"], check=False
        )
        wait_for(pg_ready, 30)
    if not redis_ready():
        subprocess.run(REDIS_START, check=False, cwd=tempfile.gettempdir())
        wait_for(redis_ready, 10)
    print(f"PostgreSQL ready: {pg_ready()}, Redis ready: {redis_ready()}", flush=True)


# --- The load ---------------------------------------------------------------------------


@dataclass
class Result:
    at: float
    kind: str
    status: int  # 0: no HTTP answer (refused, reset, timed out)
    seconds: float


#: Names this run's initiatives, so that a reused database's earlier ones are not counted.
RUN = secrets.token_hex(3)


@dataclass
class Load:
    pages: list[str]
    session: str
    strategy: int
    results: list[Result] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, started: float, status: int) -> None:
        with self.lock:
            self.results.append(Result(started, kind, status, time.monotonic() - started))

    def reader(self, offset: int) -> None:
        index = offset
        while not self.stop.is_set():
            path = self.pages[index % len(self.pages)]
            index += 1
            started = time.monotonic()
            status = _status(urllib.request.Request(BASE + path))  # noqa: S310
            if status == 0:
                time.sleep(0.05)
            self.record("page", started, status)

    def signed_in_reader(self) -> None:
        """The submitter's home page, which no cache answers whole: it asks the database."""
        while not self.stop.is_set():
            started = time.monotonic()
            request = urllib.request.Request(  # noqa: S310  # our own http:// address
                BASE + "/hem/", headers={"Cookie": f"sessionid={self.session}"}
            )
            status = _status(request)
            if status == 0:
                time.sleep(0.05)
            self.record("signed-in", started, status)

    def submitter(self) -> None:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        cookie = f"sessionid={self.session}"
        number = 0
        while not self.stop.is_set():
            number += 1
            started = time.monotonic()
            status = 0
            try:
                form = urllib.request.Request(  # noqa: S310  # our own http:// address
                    BASE + "/initiativ/nytt/", headers={"Cookie": cookie}
                )
                with opener.open(form, timeout=10) as response:
                    html = response.read().decode()
                    cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
                # Read from the header: the cookie is marked Secure (production settings), so
                # a cookie jar on plain http would drop it.
                found = re.search(r"csrftoken=([^;]+)", cookies)
                csrf = (
                    found.group(1)
                    if found
                    else next((c.value for c in jar if c.name == "csrftoken"), "")
                )
                data = urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": token.group(1) if token else "",
                        "strategy": self.strategy,
                        "title": f"Övning {RUN} {number}",
                        "problem": "Hur portalen klarar ett avbrott.",
                        "expected_benefit": "Inget som någon gjort går förlorat.",
                        "proposed_kind": "prestudy",
                        "rough_cost": "1000",
                    }
                ).encode()
                post = urllib.request.Request(  # noqa: S310  # our own http:// address
                    BASE + "/initiativ/nytt/",
                    data=data,
                    headers={"Cookie": f"{cookie}; csrftoken={csrf}"},
                )
                with opener.open(post, timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            self.record("submit", started, status)
            self.stop.wait(1.0)


def _status(request: urllib.request.Request, timeout: float = 10) -> int:
    """The status of one request, redirects not followed; 0 for no HTTP answer."""
    try:
        with urllib.request.build_opener(NoRedirect()).open(request, timeout=timeout) as answer:
            answer.read()
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _errors(results: list[Result]) -> str:
    """The 503s, the other 5xx and the requests with no answer, as three cells."""
    unavailable = sum(r.status == 503 for r in results)
    other = sum(r.status >= 500 and r.status != 503 for r in results)
    return f"{unavailable} | {other} | {sum(r.status == 0 for r in results)}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


#: What the summary counts, each a table: its kind of result and its heading.
KINDS = [
    ("page", "Public pages (the reading threads)"),
    ("signed-in", "The signed-in home page (one thread, the submitter's session)"),
    ("submit", "Initiatives submitted (one a second)"),
]


def summary(results: list[Result], windows: list[tuple[str, float, float]]) -> list[str]:
    lines = []
    for kind, heading in KINDS:
        lines += [
            f"{heading}:",
            "",
            # 503: "briefly unavailable, try again" (portal.views.server_error).
            "| window | seconds | requests | 503 | other 5xx | no answer | p50 / p95 ms |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for name, start, end in windows:
            inside = [r for r in results if start <= r.at < end and r.kind == kind]
            times = sorted(r.seconds * 1000 for r in inside if r.status)
            p50 = statistics.median(times) if times else 0
            p95 = times[int(len(times) * 0.95) - 1] if len(times) >= 20 else (max(times or [0]))
            lines.append(
                f"| {name} | {end - start:.1f} | {len(inside)} | {_errors(inside)} "
                f"| {p50:.0f} / {p95:.0f} |"
            )
        lines.append("")
    other = [r for r in results if r.status and r.status < 500 and r.status not in (200, 302)]
    lines.append(f"Other statuses: {sorted({r.status for r in other}) or 'none'}")
    return lines


# --- The drill --------------------------------------------------------------------------


def prepare(environment: dict[str, str], reuse: bool) -> dict:
    name = DATABASE.rsplit("/", 1)[1]
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    if not reuse:
        subprocess.run(["dropdb", *pg, "--if-exists", name], check=True)
        subprocess.run(["createdb", *pg, name], check=True)
        manage(environment, "migrate", "--noinput")
        manage(environment, "seed_demo")
    manage(environment, "collectstatic", "--noinput")
    return shell(environment, FACTS_CODE)


def flush_redis_databases() -> None:
    for url in {BROKER, CACHE}:
        db = url.rsplit("/", 1)[1]
        subprocess.run(["redis-cli", "-n", db, "flushdb"], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--window", type=float, default=10.0, help="seconds of load between")
    parser.add_argument("--redis-down", type=float, default=3.0, help="seconds Redis is down")
    parser.add_argument("--threads", type=int, default=6, help="reading threads")
    parser.add_argument(
        "--no-restarts", action="store_true", help="the same load, with no server restarted"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the drill's database")
    args = parser.parse_args()
    static_root = tempfile.mkdtemp(prefix="drill-static-")
    environment = env(static_root)
    print("Preparing portal_drill from the demo…", flush=True)
    facts = prepare(environment, args.reuse)
    flush_redis_databases()
    plan_url = f"/handlingsplaner/{facts['strategy_slug']}/{facts['plan_year']}/"
    pages = ["/", plan_url, f"/strategier/{facts['strategy_slug']}/", "/handlingsplaner/"]
    web_log = tempfile.NamedTemporaryFile("w+", prefix="drill-web-", suffix=".log")  # noqa: SIM115
    processes = [
        subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{PORT}"],
            cwd=ROOT,
            env=environment,
            stderr=web_log,
        ),
        subprocess.Popen(
            WORKER,
            cwd=ROOT,
            env=environment,
        ),
    ]
    load = Load(pages=pages, session=facts["session"], strategy=facts["strategy"])
    try:
        windows = run(load, args, pages)
        outcome = _outcome(environment, time.monotonic())
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(static_root, ignore_errors=True)
        shutil.rmtree(environment["PORTAL_VAR_DIR"], ignore_errors=True)
    print()
    print(
        f"gunicorn 3 sync workers, {args.threads} reading threads, 1 signed in, 1 submitting "
        f"every second, {os.cpu_count()} cores"
    )
    print()
    print("\n".join(summary(load.results, windows)))
    print()
    print(outcome)
    web_log.seek(0)
    print()
    print("What the web processes logged (3 of them):")
    for label, pattern in LOG_LINES:
        print(f"- {label}: {len(re.findall(pattern, web_log.read()))}")
        web_log.seek(0)
    web_log.close()


LOG_LINES = [
    ("cache unreachable (warning)", r"The cache at \S+ is unreachable"),
    ("cache answers again (info)", r"The cache at \S+ answers again"),
    ("task not queued (warning)", r"was not queued"),
    ("Service Unavailable (503, logged with its traceback)", r"Service Unavailable: /"),
    ("Internal Server Error", r"Internal Server Error"),
]


def run(load: Load, args: argparse.Namespace, pages: list[str]) -> list[tuple[str, float, float]]:
    """The load, with the restarts in the middle; returns the windows (name, start, end)."""
    if not wait_for(lambda: _answers("/healthz"), 120):
        sys.exit("gunicorn did not answer /healthz within 2 minutes")
    for path in pages:  # warm the cache
        _answers(path)
    cookie = f"sessionid={load.session}"
    if not (_answers("/initiativ/nytt/", cookie=cookie) and _answers("/hem/", cookie=cookie)):
        sys.exit(
            "The submitter's session does not reach the initiative form: the drill would "
            "count refused submissions."
        )
    windows: list[tuple[str, float, float]] = []
    threads = [threading.Thread(target=load.reader, args=(n,)) for n in range(args.threads)]
    threads.append(threading.Thread(target=load.signed_in_reader))
    threads.append(threading.Thread(target=load.submitter))
    for thread in threads:
        thread.start()
    try:
        start = time.monotonic()
        time.sleep(args.window)
        mark = time.monotonic()
        windows.append(("before", start, mark))
        print("Restarting PostgreSQL…", flush=True)
        if not args.no_restarts:
            restart_postgres()
        done = time.monotonic()
        windows.append(("PostgreSQL restarting", mark, done))
        time.sleep(args.window)
        mark = time.monotonic()
        windows.append(("between", done, mark))
        print("Stopping Redis…", flush=True)
        try:
            if not args.no_restarts:
                stop_redis()
            time.sleep(args.redis_down)
        finally:
            if not args.no_restarts:
                start_redis()
        done = time.monotonic()
        windows.append((f"Redis down ({args.redis_down:.0f} s) and starting", mark, done))
        time.sleep(args.window)
        windows.append(("after", done, time.monotonic()))
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=15)
        servers_up()
    return windows


def _answers(path: str, *, cookie: str = "") -> bool:
    """Whether the page answers 200 itself (a redirect, to the sign-in say, does not)."""
    headers = {"Cookie": cookie} if cookie else {}
    return _status(urllib.request.Request(BASE + path, headers=headers), timeout=5) == 200  # noqa: S310


def _outcome(environment: dict[str, str], last_submit: float) -> str:
    """What became of the initiatives: told by the worker at once, or after the sweep."""
    outcome_code = OUTCOME_CODE.replace("RUN", RUN)
    time.sleep(5)  # the worker's queue drains
    direct = shell(environment, outcome_code)
    # The sweep queues a step a minute after it; here it runs once, when the last is due.
    time.sleep(max(0.0, last_submit + 61 - time.monotonic()))
    swept = shell(environment, SWEEP_CODE)
    wait_for(lambda: shell(environment, outcome_code)["notified"] == direct["events"], 60)
    final = shell(environment, outcome_code)
    return (
        f"Initiatives submitted (answered 302): {direct['events']}; receipt mailed by the "
        f"worker at once: {direct['notified']}; queued again by the sweep: {swept}; "
        f"mailed in the end: {final['notified']} of {final['events']}."
    )


if __name__ == "__main__":
    main()
