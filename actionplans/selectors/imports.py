"""Reads of spreadsheet imports. The lists never load an import's stored file or payload."""

from actionplans.models import (
    ActionPlan,
    PlanImport,
)


def recent_imports(plan: ActionPlan, *, limit: int = 5) -> list[PlanImport]:
    return list(plan.imports.select_related("uploaded_by").defer(*PlanImport.PAYLOADS)[:limit])
