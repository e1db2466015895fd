"""Answers of Kolada's API v3, recorded in its shape: ``/data/kpi/{kpi}/municipality/{ids}/
year/{years}`` answers ``{"count", "values", "next_url"}``, each value one municipality's
year with a figure per gender (T, K, M). The figures are made up; the shape is Kolada's."""

BASE = "https://kolada.test/v3"


def entry(municipality: str, year: int, total, *, kpi: str = "N07918", genders: bool = False):
    values = [{"count": 1, "gender": "T", "status": "", "value": total}]
    if genders:
        values += [
            {"count": 1, "gender": "K", "status": "", "value": None},
            {"count": 1, "gender": "M", "status": "", "value": None},
        ]
    return {"kpi": kpi, "municipality": municipality, "period": year, "values": values}


def page(*entries, next_url: str | None = None) -> dict:
    return {"count": len(entries), "values": list(entries), "next_url": next_url}


#: N07918 (households with broadband of at least 1 Gbit/s, %) for Örebro and Kumla, 2022–2023,
#: on two pages; Kumla's 2023 figure is missing.
BROADBAND_PAGE_1 = page(
    entry("1880", 2022, 93.1, genders=True),
    entry("1880", 2023, 95.46),
    next_url=f"{BASE}/data/kpi/N07918/municipality/1880,1881/year/2022,2023?page=2&per_page=2",
)
BROADBAND_PAGE_2 = page(entry("1881", 2022, 88.0), entry("1881", 2023, None))
