from django.urls import path

from actionplans.opendata import views as opendata
from actionplans.views import carry_over, initiatives, offers, public, spreadsheet, workspace

app_name = "actionplans"
urlpatterns = [
    # Public: published and closed plans.
    path("handlingsplaner/", public.plan_list, name="list"),
    path("handlingsplaner/sok/", public.search, name="search"),
    path(
        "handlingsplaner/<slug:strategy_slug>/<int:year>/export.<str:fmt>",
        spreadsheet.public_export,
        name="public_export",
    ),
    path("handlingsplaner/<slug:strategy_slug>/<int:year>/", public.plan_detail, name="detail"),
    # Open data: the DCAT-AP-SE catalogue at the address dataportal.se harvests, and the
    # files of its datasets (the public plans and strategies).
    path("datasets/dcat", opendata.dcat, name="dcat"),
    path(
        "datasets/plans/<slug:strategy_slug>/<int:year>.<str:fmt>",
        opendata.plan_dataset,
        name="dataset_plan",
    ),
    path(
        "datasets/strategies/<slug:slug>.<str:fmt>",
        opendata.strategy_dataset,
        name="dataset_strategy",
    ),
    # The workspace of those who work on the plans.
    path("planarbete/", workspace.workspace_list, name="workspace_list"),
    path("initiativ/", initiatives.initiative_list, name="initiative_list"),
    path("initiativ/nytt/", initiatives.initiative_create, name="initiative_create"),
    path("initiativ/<int:initiative_id>/", initiatives.initiative_detail, name="initiative"),
    path(
        "initiativ/<int:initiative_id>/tilldela/",
        initiatives.initiative_assign,
        name="initiative_assign",
    ),
    path(
        "initiativ/<int:initiative_id>/bedom/",
        initiatives.initiative_score,
        name="initiative_score",
    ),
    path(
        "initiativ/<int:initiative_id>/dagordning/",
        initiatives.initiative_to_agenda,
        name="initiative_to_agenda",
    ),
    path(
        "initiativ/<int:initiative_id>/beslut/",
        initiatives.initiative_decide,
        name="initiative_decide",
    ),
    path(
        "initiativ/<int:initiative_id>/kommentar/",
        initiatives.initiative_comment,
        name="initiative_comment",
    ),
    path("planarbete/<int:plan_id>/", workspace.workspace, name="workspace"),
    path(
        "planarbete/<int:plan_id>/ny-aktivitet/",
        workspace.activity_create,
        name="activity_create",
    ),
    path(
        "planarbete/<int:plan_id>/steg/<slug:name>/",
        workspace.plan_transition,
        name="plan_transition",
    ),
    path("planarbete/<int:plan_id>/kommentar/", workspace.plan_comment, name="plan_comment"),
    path("planarbete/<int:plan_id>/revidera/", workspace.plan_revise, name="plan_revise"),
    path("planarbete/<int:plan_id>/nasta-ar/", workspace.plan_rollover, name="plan_rollover"),
    path(
        "planarbete/<int:plan_id>/ny-strategi/",
        carry_over.plan_carry_over,
        name="plan_carry_over",
    ),
    path("planarbete/<int:plan_id>/export.<str:fmt>", spreadsheet.plan_export, name="plan_export"),
    path("planarbete/<int:plan_id>/importera/", spreadsheet.import_upload, name="import_upload"),
    path("planarbete/<int:plan_id>/nytt-erbjudande/", offers.offer_create, name="offer_create"),
    path("erbjudanden/<int:offer_id>/", offers.offer_detail, name="offer_detail"),
    path("erbjudanden/<int:offer_id>/svara/", offers.offer_answer, name="offer_answer"),
    path("erbjudanden/<int:offer_id>/export.xlsx", offers.offer_export, name="offer_export"),
    path(
        "organisationer/<slug:slug>/atagande/",
        offers.organisation_commitments,
        name="organisation_commitments",
    ),
    path("importer/<int:import_id>/", spreadsheet.import_detail, name="import_detail"),
    path("importer/<int:import_id>/spara/", spreadsheet.import_apply, name="import_apply"),
    path(
        "importer/<int:import_id>/kontrollera/", spreadsheet.import_recheck, name="import_recheck"
    ),
    path("importer/<int:import_id>/ta-bort/", spreadsheet.import_remove, name="import_remove"),
    path("aktiviteter/<int:activity_id>/", workspace.activity_card, name="activity_card"),
    path("aktiviteter/<int:activity_id>/andra/", workspace.activity_edit, name="activity_edit"),
    path("aktiviteter/<int:activity_id>/flytta/", workspace.activity_move, name="activity_move"),
    path(
        "aktiviteter/<int:activity_id>/ta-bort/", workspace.activity_remove, name="activity_remove"
    ),
    path(
        "aktiviteter/<int:activity_id>/aterstall/",
        workspace.activity_restore,
        name="activity_restore",
    ),
    path(
        "aktiviteter/<int:activity_id>/historik/",
        workspace.activity_history_view,
        name="activity_history",
    ),
    path(
        "aktiviteter/<int:activity_id>/historik/<int:history_id>/aterstall/",
        workspace.activity_revert,
        name="activity_revert",
    ),
]
