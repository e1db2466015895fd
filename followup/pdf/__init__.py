"""The round's PDF report: content (report_context), charts, its HTML (render) and the
Celery task; the HTML becomes a PDF/UA document through portal.pdf."""
