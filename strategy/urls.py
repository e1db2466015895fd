from django.urls import path

from strategy import views
from strategy.views import consultation, decision, editor, workflow

app_name = "strategy"
urlpatterns = [
    path("", views.strategy_list, name="list"),
    # Before the strategies' own pages, whose slugs "ny" would match.
    path("ny/", workflow.strategy_new, name="new"),
    path("<slug:slug>/", views.strategy_detail, name="detail"),
    path("<slug:slug>/steg/<slug:name>/", workflow.strategy_transition, name="transition"),
    path("<slug:slug>/revidera/", workflow.strategy_revise, name="revise"),
    path("<slug:slug>/beslut/", decision.strategy_decide, name="decide"),
    path("<slug:slug>/redigera/", editor.strategy_editor, name="editor"),
    path("<slug:slug>/redigera/uppgifter/", editor.strategy_fields_edit, name="fields_edit"),
    path("<slug:slug>/redigera/<slug:kind>/ny/", editor.node_create, name="node_create"),
    path("<slug:slug>/redigera/<slug:kind>/<int:row_id>/", editor.node_edit, name="node_edit"),
    path(
        "<slug:slug>/redigera/<slug:kind>/<int:row_id>/flytta/",
        editor.node_move,
        name="node_move",
    ),
    path(
        "<slug:slug>/redigera/<slug:kind>/<int:row_id>/ta-bort/",
        editor.node_remove,
        name="node_remove",
    ),
    path("<slug:slug>/remiss/skicka/", consultation.consultation_send, name="consultation_send"),
    path(
        "<slug:slug>/remiss/<int:consultation_id>/",
        consultation.consultation_compilation,
        name="consultation_compilation",
    ),
    path(
        "<slug:slug>/remiss/<int:consultation_id>/svar/",
        consultation.consultation_answer,
        name="consultation_answer",
    ),
    path(
        "<slug:slug>/remiss/<int:consultation_id>/mottagare/<int:recipient_id>/svar/",
        consultation.consultation_answer_enter,
        name="consultation_answer_enter",
    ),
    path(
        "<slug:slug>/remiss/<int:consultation_id>/svar/<int:answer_id>/hantering/",
        consultation.consultation_note,
        name="consultation_note",
    ),
    path(
        "<slug:slug>/remiss/<int:consultation_id>/excel/",
        consultation.consultation_export,
        name="consultation_export",
    ),
    path(
        "<slug:slug>/remiss/<int:consultation_id>/pdf/",
        consultation.consultation_pdf,
        name="consultation_pdf",
    ),
    path(
        "<slug:slug>/samverkansomraden/",
        views.collaboration_areas,
        name="collaboration_areas",
    ),
    # The indicators' pages come before the focus areas', whose slugs they would match.
    path("<slug:slug>/indikatorer/", views.indicator_list, name="indicator_list"),
    path("<slug:slug>/indikatorer/ny/", views.indicator_create, name="indicator_create"),
    path(
        "<slug:slug>/indikatorer/<int:indicator_id>/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "<slug:slug>/indikatorer/<int:indicator_id>/mal/",
        views.indicator_targets,
        name="indicator_targets",
    ),
    path("<slug:strategy_slug>/<slug:slug>/", views.focus_area_detail, name="focus_area"),
]
