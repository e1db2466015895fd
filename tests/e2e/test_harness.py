"""The browser checks themselves: they must catch what they are there to catch."""

import pytest

from tests.e2e.conftest import run_axe

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("language", ["sv"], indirect=True)
def test_axe_reports_a_serious_violation(visitor):
    visitor.goto("/")
    visitor.page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        "'<img src=\"/static/img/favicon.svg\"><button></button>')"
    )
    violations = run_axe(visitor.page)
    assert any(v.startswith("image-alt") for v in violations), violations
    assert any(v.startswith("button-name") for v in violations), violations


@pytest.mark.parametrize("language", ["sv"], indirect=True)
def test_an_inline_script_is_blocked_and_reported(visitor):
    visitor.goto("/")
    visitor.page.evaluate(
        "const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        "document.body.appendChild(s);"
    )
    visitor.page.wait_for_timeout(200)
    assert visitor.page.evaluate("typeof window.injected") == "undefined"
    assert any("script-src" in text for text in visitor.csp_violations), visitor.csp_violations
