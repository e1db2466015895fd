"""The file format: sheets, their columns, and how values are written and read back.

Headings are Swedish whatever the interface language, so that a file stays importable
whoever exported it. Choice values are written as their Swedish labels; on import the
code, the Swedish or the English label is accepted.
"""

from dataclasses import dataclass

from django.utils import translation

from actionplans.models import Activity, BudgetLine, Risk, SubGoal

LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    field: str
    heading: str


ACTIVITIES = "Aktiviteter"
SUB_GOALS = "Delmål"
BUDGET = "Budget"
RISKS = "Risker"
INSTRUCTIONS = "Instruktioner"

ACTIVITY_COLUMNS = [
    Column("id", "ID"),
    Column("title", "Titel"),
    Column("description", "Beskrivning"),
    Column("kind", "Typ"),
    Column("status", "Status"),
    Column("collaboration_area", "Samverkansområde"),
    Column("lead_organisation", "Ansvarig organisation"),
    Column("contact", "Kontaktperson (användarnamn)"),
    Column("start_date", "Start"),
    Column("end_date", "Slut"),
    Column("focus_areas", "Fokusområden"),
    Column("directions", "Strategiska inriktningar"),
    Column("effect_goals", "Effektmål"),
    Column("perspectives", "Genomsyrande perspektiv"),
    Column("expected_benefits", "Förväntad nytta"),
]
SUB_GOAL_COLUMNS = [
    Column("activity", "Aktivitetens ID"),
    Column("title", "Delmål"),
    Column("planned_count", "Planerat antal"),
    Column("count_period", "Räknat"),
    Column("steps", "Steg"),
]
BUDGET_COLUMNS = [
    Column("activity", "Aktivitetens ID"),
    Column("kind", "Typ"),
    Column("year", "År"),
    Column("label", "Kostnadsslag eller källa"),
    Column("amount", "Belopp (kr)"),
    Column("public_funding", "Offentlig finansiering"),
]
RISK_COLUMNS = [
    Column("activity", "Aktivitetens ID"),
    Column("description", "Risk"),
    Column("likelihood", "Sannolikhet (1–5)"),
    Column("consequence", "Konsekvens (1–5)"),
    Column("mitigation", "Åtgärd"),
]

#: sheet name -> (model, columns)
CHILD_SHEETS = {
    SUB_GOALS: (SubGoal, SUB_GOAL_COLUMNS),
    BUDGET: (BudgetLine, BUDGET_COLUMNS),
    RISKS: (Risk, RISK_COLUMNS),
}

M2M_FIELDS = ("focus_areas", "directions", "effect_goals", "perspectives")
YES, NO = "ja", "nej"

INSTRUCTIONS_TEXT = [
    "Så här uppdaterar du planen med filen",
    "Ändra på bladen Aktiviteter, Delmål, Budget och Risker och ladda upp filen i planens "
    "arbetsyta. Du får se en förhandsgranskning innan något sparas; en rad med fel stoppar "
    "hela importen.",
    "ID: lämna oförändrat för befintliga aktiviteter. En ny aktivitet får ett eget ord i "
    "stället, till exempel ny1, som delmål, budget och risker hänvisar till.",
    "Typ, status och räknat: skriv ett av värdena som finns i planen, t.ex. Projekt, "
    "Planerad eller per termin.",
    "Fokusområden, inriktningar, effektmål och perspektiv: namnen, åtskilda med semikolon.",
    "Delmål, budgetrader och risker: bladet ersätter det som aktiviteten har. Ta bort en rad "
    "för att ta bort delmålet, budgetraden eller risken.",
    "Formler tas inte emot: klistra in värden.",
]


def choice_labels(field) -> dict[str, str]:
    """Every accepted spelling of each choice (code, Swedish, English), lower-cased."""
    accepted: dict[str, str] = {}
    for code, label in field.choices:
        accepted[str(code).lower()] = code
        for language in ("sv", "en"):
            with translation.override(language):
                accepted[str(label).lower()] = code
    return accepted


def swedish_label(field, value) -> str:
    if value in (None, ""):
        return ""
    with translation.override("sv"):
        return str(dict(field.flatchoices).get(value, value))


def activity_field(name: str):
    return Activity._meta.get_field(name)
