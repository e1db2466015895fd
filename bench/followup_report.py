#!/usr/bin/env python
"""Time and peak memory of building a follow-up round's PDF report, beside WeasyPrint's
own time on the same HTML (the floor).

    .venv/bin/python bench/followup_report.py             # prepare the database if needed
    .venv/bin/python bench/followup_report.py --fresh     # drop and rebuild it first
    .venv/bin/python bench/followup_report.py --memory    # also the Python heap (tracemalloc)
    .venv/bin/python bench/followup_report.py --keep DIR  # keep the PDFs to look at
    .venv/bin/python bench/followup_report.py --phases    # also where WeasyPrint's time goes

Two reports: the demo's Aktiviteter 2023 (10 activities) and a generated 300-activity
plan, each round filled by bench.followup_data. Database: PostgreSQL ``portal_report_bench``
(BENCH_REPORT_DATABASE_URL), production settings.

Each figure comes from a fresh process, so that its peak resident memory (ru_maxrss) is
that run's own, with Django and WeasyPrint imported first as in a worker:

- end to end: the Celery task's function (claim, queries, template, WeasyPrint with the
  memory cap, storage, finish) on a new report version;
- floor: HTML(...).render().write_pdf() on the HTML the report was built from;
- phases (--phases): the floor again, timed per WeasyPrint stage: HTML parsing, the CSS
  cascade, the box tree, layout, drawing, PDF/UA tagging and writing the file.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
DATABASE = os.environ.get(
    "BENCH_REPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_report_bench"
)
LARGE = 300
TARGET_RATIO = 1.2
TARGET_SECONDS = 6.0
TARGET_MB = 300


def environment(media: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_hex(32),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_MEDIA_ROOT": media,
        # seed_demo makes the demo users, who need a password (nobody signs in here).
        "DEMO_PASSWORD": secrets.token_hex(16),
        "DATABASE_URL": DATABASE,
        "PYTHONPATH": str(ROOT),
    }


def run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


def prepare(env: dict[str, str], fresh: bool) -> dict[str, int]:
    name = DATABASE.rsplit("/", 1)[1]
    if fresh:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name])
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)
    run(env, "manage.py", "migrate", "--noinput")
    return json.loads(run(env, __file__, "--rounds").strip().splitlines()[-1])


# --- Inside Django (the --rounds and --measure subprocesses) --------------------------------


def setup_django() -> None:
    import django

    django.setup()


def rounds() -> None:
    """The two rounds, made once: the demo's 2023 plan and a 300-activity plan."""
    setup_django()
    from django.core.management import call_command

    from actionplans.models import ActionPlan
    from bench.followup_data import sample_plan, sample_round
    from followup.models import FollowUpRound

    slug = f"rapport-{LARGE}"
    if not ActionPlan.objects.filter(strategy__slug="orebro-lan-2021-2026").exists():
        call_command("seed_demo", verbosity=0)
    demo = ActionPlan.objects.get(strategy__slug="orebro-lan-2021-2026", year=2023)
    demo_round = FollowUpRound.objects.filter(plan=demo).first() or sample_round(demo)
    large = ActionPlan.objects.filter(strategy__slug=slug).first() or sample_plan(LARGE, slug=slug)
    large_round = FollowUpRound.objects.filter(plan=large).first() or sample_round(large)
    print(json.dumps({"demo": demo_round.pk, "large": large_round.pk}))


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


#: WeasyPrint's stages, timed by wrapping the function each one is (WeasyPrint 70).
PHASES = [
    ("weasyprint.document", "get_all_computed_styles", "cascade"),
    ("weasyprint.document", "build_formatting_structure", "boxes"),
    ("weasyprint.document", "layout_document", "layout"),
    ("weasyprint.document", "draw_page", "draw"),
    ("weasyprint.pdf", "add_tags", "tags"),
]


def time_phases(totals: dict[str, float]) -> None:
    """Wrap WeasyPrint's stages so that their wall time adds up in ``totals``."""
    import functools
    import importlib
    import inspect

    import pydyf

    def wrap(owner, name: str, key: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                result = original(*args, **kwargs)
                # layout_document yields pages: time them being made.
                return list(result) if inspect.isgenerator(result) else result
            finally:
                totals[key] = totals.get(key, 0.0) + time.perf_counter() - started

        setattr(owner, name, timed)

    for module, name, key in PHASES:
        wrap(importlib.import_module(module), name, key)
    wrap(pydyf.PDF, "write", "write")


def measure(kind: str, round_id: int, trace: bool, keep: str) -> None:
    setup_django()
    import resource
    import tracemalloc

    import weasyprint  # imported before timing, as in a worker
    from django.db.models import Max

    from followup.models import FollowUpRound, Report
    from followup.pdf.render import render_html
    from followup.pdf.task import build_report
    from portal.pdf.fetcher import PortalURLFetcher, static_base_url
    from portal.pdf.render import PDF_VARIANT

    round = FollowUpRound.objects.select_related("plan").get(pk=round_id)
    result = {"kind": kind, "activities": round.plan.activities.count()}
    phases: dict[str, float] = {}
    if kind == "phases":
        time_phases(phases)
    if kind in ("floor", "phases"):
        html = render_html(round, version=1)  # not timed: the floor is WeasyPrint alone
    baseline = _rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    if kind in ("floor", "phases"):
        parsed = weasyprint.HTML(
            string=html, base_url=static_base_url(), url_fetcher=PortalURLFetcher()
        )
        phases["parse"] = time.perf_counter() - started
        document = parsed.render(pdf_variant=PDF_VARIANT)
        data = document.write_pdf(pdf_variant=PDF_VARIANT)
        result["pages"] = len(document.pages)
    else:
        version = (round.pdf_reports.aggregate(last=Max("version"))["last"] or 0) + 1
        report = Report.objects.create(round=round, version=version)
        assert build_report(report.pk) == Report.State.DONE
        report.refresh_from_db()
        result["pages"] = report.pages
        with report.file.open("rb") as handle:
            data = handle.read()
        report.file.delete(save=False)
        report.delete()
    result["seconds"] = time.perf_counter() - started
    if phases:
        result["phases"] = {**phases, "other": result["seconds"] - sum(phases.values())}
    if trace:
        result["heap_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    result["baseline_mb"] = baseline
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["bytes"] = len(data)
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        name = f"report-{result['activities']}-{kind}.pdf"
        (Path(keep) / name).write_bytes(data)
    print(json.dumps(result))


# --- The driver ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--memory", action="store_true", help="trace the Python heap (slow)")
    parser.add_argument("--keep", default="", help="folder to write the PDFs to")
    parser.add_argument(
        "--phases", action="store_true", help="also time WeasyPrint's stages (one more run)"
    )
    parser.add_argument("--rounds", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--measure", choices=["end-to-end", "floor", "phases"], help=argparse.SUPPRESS
    )
    parser.add_argument("--round", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.rounds:
        return rounds()
    if options.measure:
        return measure(options.measure, options.round, options.memory, options.keep)

    with tempfile.TemporaryDirectory(prefix="report-bench-") as media:
        env = environment(media)
        ids = prepare(env, options.fresh)
        print(
            "| report | activities | pages | end to end s | floor s | ratio | peak RSS MB "
            "(start) | floor peak RSS MB |" + (" heap MB |" if options.memory else "")
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if options.memory else ""))
        phases: dict[str, dict[str, float]] = {}
        for label, round_id in (("demo 2023", ids["demo"]), (f"{LARGE} activities", ids["large"])):
            figures = {}
            for kind in ("end-to-end", "floor"):
                args = [__file__, "--measure", kind, "--round", str(round_id)]
                if options.keep:
                    args += ["--keep", options.keep]
                figures[kind] = json.loads(run(env, *args).strip().splitlines()[-1])
            full, floor = figures["end-to-end"], figures["floor"]
            heap = ""
            if options.memory:
                traced = run(
                    env, __file__, "--measure", "end-to-end", "--round", str(round_id), "--memory"
                )
                heap = f" {json.loads(traced.strip().splitlines()[-1])['heap_mb']:.0f} |"
            print(
                f"| {label} | {full['activities']} | {full['pages']} | {full['seconds']:.2f} "
                f"| {floor['seconds']:.2f} | {full['seconds'] / floor['seconds']:.2f} "
                f"| {full['peak_mb']:.0f} ({full['baseline_mb']:.0f}) | {floor['peak_mb']:.0f} |"
                + heap
            )
            if options.phases:
                out = run(env, __file__, "--measure", "phases", "--round", str(round_id))
                phases[label] = json.loads(out.strip().splitlines()[-1])["phases"]
        if options.phases:
            names = ["parse", "cascade", "boxes", "layout", "draw", "tags", "write", "other"]
            print("\nWeasyPrint's stages (s, one more run of the floor):\n")
            print("| report | " + " | ".join(names) + " |")
            print("|---|" + "---:|" * len(names))
            for label, figures in phases.items():
                print(f"| {label} | " + " | ".join(f"{figures[n]:.2f}" for n in names) + " |")
        print(
            f"\nTargets: ratio ≤ {TARGET_RATIO}, and for {LARGE} activities "
            f"≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_MB} MB."
        )


if __name__ == "__main__":
    main()
