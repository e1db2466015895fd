from django.http import HttpRequest
from django.urls import reverse

from portal.panels import menu_items


def main_menu(request: HttpRequest) -> dict[str, object]:
    """The main menu's items that the apps registered, for base.html."""
    current = getattr(request.resolver_match, "app_name", "")
    return {
        "main_menu": [
            {
                "label": item.label,
                "url": reverse(item.url_name),
                "current": item.app_name == current,
            }
            for item in menu_items()
        ]
    }


def sign_in_contact(request: HttpRequest) -> dict[str, object]:
    """Whom the sign-in pages tell people to ask (including django-allauth's own views)."""
    from django.conf import settings

    return {"sign_in_contact": settings.SIGN_IN_CONTACT_EMAIL}
