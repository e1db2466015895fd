"""A strategy's programme dashboard: the deviations, progress per area over the years,
traffic lights, indicators against targets, participation and budget, read in a fixed
number of queries (``selectors``) and drawn as SVG charts beside their tables (``charts``).

The dashboard's page (followup.views.dashboard) and the PDF report's overview
(followup.pdf.content) both read it; followup.access.DashboardAccess decides which rounds
each reader sees.
"""
