"""HTML to a tagged PDF (PDF/UA-1) with WeasyPrint, for every app's documents (the
follow-up report in followup.pdf, the consultation compilation in strategy.pdf): the render
with its memory limit (render) and the URL fetcher that keeps WeasyPrint to the portal's
static files (fetcher)."""

import logging

# WeasyPrint logs every step and every page at INFO: hundreds of lines per document in the
# worker's log. Set before WeasyPrint is first imported (it logs while importing); its
# warnings, e.g. a refused URL, still come through.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
