"""portal names nothing above it, in its templates too: import-linter (make lint) checks the
Python imports; this checks the URL names in the templates that portal renders."""

import re
from pathlib import Path

from django.conf import settings

ABOVE_PORTAL = ("strategy", "actionplans", "followup")
URL_TAG = re.compile(r"""{%\s*url\s+['"](?P<name>[\w:-]+)['"]""")


def _portal_templates() -> list[Path]:
    root = Path(settings.BASE_DIR) / "templates"
    above = {root / app for app in ABOVE_PORTAL}
    return [
        path
        for path in root.rglob("*.html")
        if not any(path.is_relative_to(directory) for directory in above)
    ]


def test_portal_templates_name_no_url_of_the_apps_above():
    templates = _portal_templates()
    assert any(path.name == "base.html" for path in templates)
    assert any(path.name == "home.html" for path in templates)
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match['name']}"
        for path in templates
        for match in URL_TAG.finditer(path.read_text())
        if match["name"].split(":", 1)[0] in ABOVE_PORTAL
    ]
    assert found == []


def test_the_check_would_see_such_a_name():
    assert URL_TAG.search("""<a href="{% url 'actionplans:list' %}">""")["name"] == (
        "actionplans:list"
    )
