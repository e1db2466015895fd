from django.urls import path

from strategy import views

app_name = "strategy"
urlpatterns = [
    path("", views.strategy_list, name="list"),
    path("<slug:slug>/", views.strategy_detail, name="detail"),
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
