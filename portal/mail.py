"""Mails the workflows send: Swedish text and HTML from templates, each sent at most once."""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import translation

from portal.models import MailLog


def mail_message(template: str, context: dict, to: list[str]) -> EmailMultiAlternatives | None:
    """The mail from ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``;
    None when there is nobody to send it to."""
    if not to:
        return None
    # Mails are Swedish: they go to many people whose interface language we do not know.
    with translation.override("sv"):
        context = {**context, "base_url": settings.PORTAL_BASE_URL.rstrip("/")}
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    return message


def send_once(
    log: type[MailLog],
    *,
    key: str,
    build: Callable[[], EmailMultiAlternatives | None],
    **fields,
) -> bool:
    """Send one mail unless it has gone out already, and log it in ``log``.

    ``fields`` name the log row's owner (``offer=…``, ``round=…``) and any extra columns;
    the owner and ``key`` are unique together. The row is written in the same transaction
    as the sending: a second run (a retry, two workers) blocks on the unique key and then
    finds the row, so each mail goes once. If sending fails the row is rolled back and the
    retry sends it.
    """
    owner = {name: value for name, value in fields.items() if isinstance(value, models.Model)}
    with transaction.atomic():
        if log._default_manager.filter(**owner, key=key).exists():
            return False
        message = build()
        if message is None:
            return False
        try:
            with transaction.atomic():
                log._default_manager.create(**fields, key=key, recipients=", ".join(message.to))
        except IntegrityError:
            return False
        message.send()
    return True
