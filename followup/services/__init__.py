"""Writes to follow-up, one module per subdomain: rounds, reports (the activities' reports)
and pdf_reports (the round's report to the steering group and its review).

Services never queue a Celery task: the view, command or beat task that calls one queues
what follows it (followup.tasks), so that tasks may call services without an import cycle.
"""
