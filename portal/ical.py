"""An iCalendar feed (RFC 5545) of a body's meetings, for members' own calendars."""

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from portal.models import Body, Meeting

# Control characters other than tab may not appear in a TEXT value (RFC 5545 3.3.11);
# line breaks are turned into "\n" before this strips the rest.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11). Every line break, CRLF, LF or a lone CR, becomes
    "\\n": a calendar app ends a content line at a CR too, so a raw one in a title would
    let what follows it be read as a property of its own."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROL.sub("", text)


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _ical_utc(moment: datetime) -> str:
    """A date-time in UTC, as iCalendar writes it (RFC 5545 3.3.5, form 2)."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _description(meeting: Meeting) -> str:
    """The agenda: the free text, then the items in their order."""
    items = [f"{number}. {item.title}" for number, item in enumerate(meeting.items.all(), 1)]
    return "\n".join(part for part in [meeting.agenda.strip(), *items] if part)


def body_calendar(
    body: Body, meetings: Iterable[Meeting], *, host: str, url: Callable[[Meeting], str]
) -> str:
    """``url(meeting)`` is the meeting's page. SEQUENCE is the meeting's version, so that a
    calendar that has the meeting takes a moved time or a new place as an update."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Digitaliseringsportalen//Möten//SV",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(body.name)}",
    ]
    now = _ical_utc(datetime.now(UTC))
    for meeting in meetings:
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{meeting.pk}@{host}",
            f"DTSTAMP:{now}",
            f"SEQUENCE:{meeting.version - 1}",
            f"DTSTART:{_ical_utc(meeting.starts_at)}",
            f"DTEND:{_ical_utc(meeting.ends_at)}",
            f"SUMMARY:{_escape(meeting.title)}",
            f"LOCATION:{_escape(meeting.location)}",
            f"DESCRIPTION:{_escape(_description(meeting))}",
            f"URL:{url(meeting)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
