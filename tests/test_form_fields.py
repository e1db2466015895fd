"""No form of the portal takes every field of a model: each names what a user may set, so
fields like owner, state or organisation cannot be posted into a model by accident."""

import importlib
import pkgutil

from django import forms
from django.forms.models import ALL_FIELDS

PROJECT_APPS = ["portal", "strategy", "actionplans", "followup"]


def _import_all() -> None:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" not in module.name and ".demo" not in module.name:
                importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_model_form_takes_all_fields():
    _import_all()
    ours = [
        form
        for form in _subclasses(forms.ModelForm)
        if form.__module__.split(".")[0] in PROJECT_APPS
    ]
    for form in ours:
        meta = getattr(form, "_meta", None)
        assert meta is None or meta.fields != ALL_FIELDS, f"{form} uses fields = '__all__'"
        assert meta is None or meta.exclude is None, f"{form} lists excluded fields instead"


def test_sign_in_form_ignores_extra_fields(client, programme):
    from portal.models import User

    contact = programme.contact
    response = client.post(
        "/accounts/login/",
        {
            "login": contact.username,  # allauth names the field "login"
            "password": "secret-password",
            "is_staff": "on",
            "is_superuser": "on",
            "organisation": str(programme.region.pk),
        },
    )
    assert response.status_code == 302  # signed in
    user = User.objects.get(pk=contact.pk)
    assert not user.is_staff and not user.is_superuser
    assert user.organisation == programme.municipality
