"""Posting an admin change form as a browser would: what its page holds, with changes."""

from html.parser import HTMLParser

from django.urls import reverse


class _FormFields(HTMLParser):
    """The values a browser would send for the page's form with the given id."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._multiple = False
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attr = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = attr.get("id") == self.form_id
        if not self.inside or "disabled" in attr:
            return
        name = attr.get("name")
        if tag == "input" and name:
            kind = attr.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attr:
                return
            self._add(name, attr.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select, self._multiple, self._first_option = name, "multiple" in attr, None
            self.data.setdefault(name, [])
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = attr.get("value", "")
            if "selected" in attr:
                self._add(self._select, attr.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            # A single choice with none selected sends the first option, as a browser does.
            if not self._multiple and not self.data[self._select] and self._first_option:
                self._add(self._select, self._first_option)
            self._select = None
        elif tag == "textarea" and self._textarea:
            # A browser drops the newline right after <textarea>.
            self._add(self._textarea, self._text.removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def admin_form_data(client, url: str, form_id: str = "", **changes) -> dict:
    """GET the admin page at ``url`` and return what its form would post, with ``changes``."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    if not form_id:
        opts = response.context["opts"]
        form_id = f"{opts.model_name}_form"
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.data, f"no form {form_id} on {url}"
    data: dict = {k: v if len(v) != 1 else v[0] for k, v in parser.data.items()}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def coordinator_in_admin(programme):
    """The programme's coordinator as the demo sets one up: staff, with the model
    permissions of the plan apps (not of portal, which holds the users)."""
    from django.contrib.auth.models import Permission

    coordinator = programme.coordinator
    coordinator.is_staff = True
    coordinator.save()
    coordinator.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["strategy", "actionplans", "followup"]
        ).exclude(content_type__model__startswith="historical")
    )
    return coordinator
