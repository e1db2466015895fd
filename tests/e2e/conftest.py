"""Browser tests: Debian's Chromium driven by Playwright against a live server on the
test database (PostgreSQL in CI), with axe-core on every page and a watch for CSP
violations. Screenshots go to test-artifacts/e2e/."""

import io
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"
DEMO_PASSWORD = "demo-password"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# CI sets E2E_REQUIRED=1: a missing browser there is a failure, not a skip.
REQUIRED = os.environ.get("E2E_REQUIRED") == "1"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing() -> str:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core is not installed (npm ci)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return ""


@pytest.fixture(scope="session")
def browser():
    reason = _missing()
    if reason:
        if REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def _clean_artifacts():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def demo_site(transactional_db, live_server):
    with override_settings(DEMO_PASSWORD=DEMO_PASSWORD):
        call_command("seed_demo", stdout=io.StringIO())
    return live_server


@dataclass
class Visitor:
    """A browser tab for one story in one language, checking each page it lands on."""

    page: object
    base_url: str
    story: str
    language: str
    csp_violations: list[str] = field(default_factory=list)
    shots: int = 0

    def goto(self, path: str, expect_status: int = 200) -> None:
        response = self.page.goto(self.base_url + path)
        assert response.status == expect_status, f"{path}: {response.status}"
        self.check()

    def check(self) -> None:
        """axe-core on the page as it is now, a screenshot, and no CSP violation so far."""
        self.page.wait_for_load_state("load")
        html_lang = self.page.get_attribute("html", "lang")
        if not self.page.url.startswith(self.base_url + "/admin/"):
            assert html_lang == self.language, f"{self.page.url}: lang={html_lang}"
        self.shots += 1
        name = f"{self.story}-{self.language}-{self.shots:02d}"
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        violations = run_axe(self.page)
        assert not violations, f"{self.page.url}: accessibility violations: {violations}"
        assert not self.csp_violations, f"{self.page.url}: CSP violations: {self.csp_violations}"

    def follow(self, link_text: str) -> None:
        """Follow the link in the main content and check the page it leads to."""
        link = self.page.locator("main").get_by_role("link", name=link_text, exact=True).first
        with self.page.expect_navigation():
            link.click()
        self.check()

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.goto("/accounts/login/")
        self.page.fill("#id_login", username)
        self.page.fill("#id_password", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(re.compile(r".*/hem/$"))
        self.check()

    def sign_out(self) -> None:
        self.page.click("header form[action$='/accounts/logout/'] button")
        self.page.wait_for_url(self.base_url + "/")
        self.check()


def run_axe(page) -> list[str]:
    # evaluate() runs outside the page's CSP, so axe needs no exception in the policy.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(params=["sv", "en"])
def language(request) -> str:
    return request.param


@pytest.fixture
def visitor(request, browser, demo_site, language) -> Iterator[Visitor]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    if language != settings.LANGUAGE_CODE:
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": demo_site.url}]
        )
    page = context.new_page()
    visitor = Visitor(
        page=page, base_url=demo_site.url, story=request.node.originalname, language=language
    )
    page.on(
        "console",
        lambda message: (
            visitor.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI"
        " + ' at ' + e.sourceFile + ':' + e.lineNumber + ' on '"
        " + (e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 200) : '')));"
    )
    yield visitor
    context.close()
