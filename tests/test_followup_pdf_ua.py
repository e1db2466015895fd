"""followup.pdf.render: the round's report passes the ``pdfua`` checker (the machine-checkable
part of PDF/UA-1 and WCAG 2.1) with no finding at all, and every /TH carries its <th scope>
(scope_table_headers; WeasyPrint writes none)."""

import io
import re
from pathlib import Path

import pikepdf
import pytest
from pdfua import Report, validate
from pdfua.rules import structure

from bench.followup_data import sample_plan, sample_round
from followup.pdf.render import render_html, render_pdf
from portal.pdf import render


@pytest.fixture(autouse=True)
def checker_reads_arrays(monkeypatch):
    """pdfua 0.1.3 asks every /K for an ``is_integer`` attribute, which pikepdf 10 answers
    for an array with ValueError instead of AttributeError: its empty-heading rule (UA-14-001)
    then gives up on the first heading of more than one kid and is reported as skipped. An
    array or a dictionary is no integer, so that rule runs here as its author meant."""
    original = structure.as_integer

    def as_integer(value: object) -> int | None:
        if isinstance(value, pikepdf.Array | pikepdf.Dictionary):
            return None
        return original(value)

    monkeypatch.setattr(structure, "as_integer", as_integer)


def _check(data: bytes, tmp_path: Path) -> Report:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return validate(str(path))


def _findings(report: Report) -> list[str]:
    return [
        f"{f.rule_id} {f.severity.name} {f.location.describe()}: {f.message}"
        for f in report.findings
    ] + [f"{o.rule_id} skipped: {o.skipped_reason}" for o in report.skipped]


def _header_scopes(data: bytes) -> list[tuple[str, str | None]]:
    """(the /TH's row group: /THead, /TBody or /TFoot, its /Scope) for every /TH, in the
    order of the file's objects (the document's)."""
    scopes = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/S") != "/TH":
                continue
            group = obj.P.P  # TH -> TR -> THead/TBody/TFoot (the parser adds a tbody)
            scope = obj.get("/A", {}).get("/Scope")
            scopes.append((str(group.S), None if scope is None else str(scope)))
    return scopes


def test_the_report_passes_the_checker(db, tmp_path):
    from tests.factories import OrganisationFactory

    for name in ("Norrby kommun", "Söderby kommun"):
        OrganisationFactory(name=name)
    round = sample_round(sample_plan(4, slug="rapport-ua", year=2023))
    html = render_html(round, version=1)
    # What the report holds: tables headed by their columns and by their rows, the
    # indicators' charts (SVG images with a text alternative) and their tables.
    assert 'scope="col"' in html and 'scope="row"' in html
    assert re.search(r'<img class="chart" src="data:image/svg\+xml[^"]*" alt="[^"]+">', html)
    assert 'class="indicator-table"' in html

    pdf = render_pdf(html)
    report = _check(pdf.data, tmp_path)

    assert _findings(report) == []
    assert len(report.outcomes) == 12  # every rule of pdfua 0.1.3 ran
    scopes = _header_scopes(pdf.data)
    assert {scope for _, scope in scopes} == {"/Column", "/Row"}
    # Our tables head their columns in <thead> and their rows everywhere else.
    assert all((group == "/THead") == (scope == "/Column") for group, scope in scopes)


TABLES = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Tabeller</title>
</head><body><h1>Tabeller</h1>
<table><thead><tr><th scope="col">År</th><th scope="col">Värde</th></tr></thead>
<tbody><tr><th scope="row">2023</th><td>5</td></tr></tbody></table>
<table><tr><th>Kolumn</th><th>Kolumn</th></tr><tr><td>1</td><td>2</td></tr></table>
</body></html>"""


def test_header_cells_get_the_scope_of_the_html_and_without_it_the_checker_warns(
    tmp_path, monkeypatch
):
    pdf = render_pdf(TABLES)
    assert _header_scopes(pdf.data) == [
        ("/THead", "/Column"),
        ("/THead", "/Column"),
        ("/TBody", "/Row"),
        # No scope in the HTML: a column's header, as WeasyPrint's own /Headers take it.
        ("/TBody", "/Column"),
        ("/TBody", "/Column"),
    ]
    assert _findings(_check(pdf.data, tmp_path)) == []

    monkeypatch.setattr(render, "scope_table_headers", lambda document, pdf: None)
    unscoped = render_pdf(TABLES)

    assert {scope for _, scope in _header_scopes(unscoped.data)} == {None}
    findings = _findings(_check(unscoped.data, tmp_path))
    assert len(findings) == 2
    assert all(f.startswith("UA-15-003 WARNING") for f in findings)
