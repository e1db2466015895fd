"""Yearly action plans: the plans and their timeline, activities with their sub-goals,
budget lines and risks, spreadsheet uploads, offers with the answers to them, and the
intake of initiatives."""

from actionplans.models.activities import Activity, ActivitySearch, BudgetLine, Risk, SubGoal
from actionplans.models.imports import PlanImport
from actionplans.models.initiatives import Initiative, InitiativeEvent
from actionplans.models.offers import Offer, OfferMail, OfferRecipient, Participation
from actionplans.models.plans import ActionPlan, PlanEvent, public_plan_q

__all__ = [
    "ActionPlan",
    "Activity",
    "ActivitySearch",
    "BudgetLine",
    "Initiative",
    "InitiativeEvent",
    "Offer",
    "OfferMail",
    "OfferRecipient",
    "Participation",
    "PlanEvent",
    "PlanImport",
    "Risk",
    "SubGoal",
    "public_plan_q",
]
