"""Follow-up in the browser, one module per subdomain: rounds, reports (the activities'
reports) and pdf_reports (the round's report to the steering group).

Views stay thin: access through followup.access, reads through selectors, writes through
services; a view that calls a service queues the task that follows it (followup.tasks).
"""
