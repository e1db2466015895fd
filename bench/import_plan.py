"""Time and peak memory of a 300-activity plan's spreadsheet: export, check, save.

    .venv/bin/python bench/import_plan.py   # after bench/run.py has built portal_bench

Runs against the benchmark database (BENCH_DATABASE_URL) inside a transaction that is
rolled back, so the data set is unchanged afterwards.
"""

import os
import secrets
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_hex(32))
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)

import django  # noqa: E402

django.setup()

import io  # noqa: E402

from django.db import transaction  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from actionplans.access import PlanAccess  # noqa: E402
from actionplans.models import ActionPlan  # noqa: E402
from actionplans.services.imports import plan_file_apply  # noqa: E402
from actionplans.spreadsheet import importer  # noqa: E402
from actionplans.spreadsheet.export import plan_xlsx  # noqa: E402
from portal.models import User  # noqa: E402

TRACE = "--memory" in sys.argv


def measure(label, function):
    """Wall time, or (with --memory) the Python heap's peak; tracing slows Python down
    several times, so the two are measured in separate runs."""
    if TRACE:
        tracemalloc.start()
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    if TRACE:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"| {label} | (traced) | {peak / 2**20:.1f} |")
    else:
        print(f"| {label} | {seconds * 1000:.0f} | |")
    return result


def main() -> None:
    plan = ActionPlan.objects.select_related("strategy").get(strategy__slug="bench-01", year=2026)
    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True})
    access = PlanAccess(is_superuser=True)
    print(f"Plan: {plan.activities.count()} activities\n")
    print("| step | ms | peak MB (Python) |\n|---|---:|---:|")
    data = measure("export .xlsx", lambda: plan_xlsx(plan))
    print(f"\nFile: {len(data) / 2**10:.0f} KB\n")
    result = measure(
        "check unchanged file (preview)",
        lambda: importer.preview(plan=plan, data=data, access=access),
    )
    assert result.ok, list(result.errors)[:3]
    print(f"\nUnchanged file: {result.counts()}\n")
    book = load_workbook(io.BytesIO(data))
    sheet = book["Aktiviteter"]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=2).value = f"{sheet.cell(row=row, column=2).value} (ändrad)"
    buffer = io.BytesIO()
    book.save(buffer)
    changed = buffer.getvalue()
    with transaction.atomic():
        # Imports go into drafts; the rollback below puts the published plan back.
        ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.DRAFT)
        plan.refresh_from_db()
        preview = measure(
            "check file with every title changed",
            lambda: importer.preview(plan=plan, data=changed, access=access),
        )
        measure(
            "save every activity (with history)",
            lambda: plan_file_apply(
                plan=plan, data=changed, user=user, access=access, versions=preview.versions()
            ),
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
