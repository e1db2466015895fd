#!/usr/bin/env python
"""WeasyPrint alone on a plain document of 300 sections (a heading and two paragraphs each,
DejaVu Sans 11 pt, A4, PDF/UA-1): the kind of document behind the issue's reference figure
("a 60-page, 300-section report in 4.3 s"), so that the follow-up report's time can be set
beside it on the same machine (bench/README.md, "Follow-up report (PDF)").

    .venv/bin/python bench/weasyprint_reference.py            # 20, 27 and 35 words a paragraph
    .venv/bin/python bench/weasyprint_reference.py 27         # one size

No Django and no database: the HTML is made here from a fixed vocabulary (seeded).
"""

import random
import sys
import time

import weasyprint

WORDS = [
    "digital",
    "samverkan",
    "kommun",
    "region",
    "tjänst",
    "infrastruktur",
    "kompetens",
    "data",
    "öppna",
    "välfärd",
    "invånare",
    "ledning",
    "nätverk",
    "förstudie",
    "plattform",
]
SECTIONS = 300


def paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def measure(words: int) -> str:
    rng = random.Random(1)
    sections = [
        f"<section><h2>Aktivitet {i}: {paragraph(rng, 5)}</h2>"
        f"<p>{paragraph(rng, words)}</p><p>{paragraph(rng, words)}</p></section>"
        for i in range(SECTIONS)
    ]
    html = (
        "<!DOCTYPE html><html lang=sv><head><title>Referens</title><style>"
        "@page{size:A4;margin:2cm} body{font-family:'DejaVu Sans';font-size:11pt}"
        "h2{font-size:13pt}</style></head><body>" + "".join(sections) + "</body></html>"
    )
    characters = sum(len(section) for section in sections)
    started = time.perf_counter()
    document = weasyprint.HTML(string=html).render(pdf_variant="pdf/ua-1")
    document.write_pdf(pdf_variant="pdf/ua-1")
    seconds = time.perf_counter() - started
    return f"| {words} | {len(document.pages)} | {characters} | {seconds:.2f} |"


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [20, 27, 35]
    print("| words a paragraph | pages | characters of markup and text | s |")
    print("|---:|---:|---:|---:|")
    for words in sizes:
        print(measure(words))


if __name__ == "__main__":
    main()
