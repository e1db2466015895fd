"""The round's PDF report: content (report_context), charts, HTML and PDF (render), the URL
fetcher that keeps WeasyPrint to the portal's static files, and the Celery task."""

import logging

# WeasyPrint logs every step and every page at INFO: hundreds of lines per report in the
# worker's log. Set before WeasyPrint is first imported (it logs while importing); its
# warnings, e.g. a refused URL, still come through.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
