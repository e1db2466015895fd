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
    path("<slug:strategy_slug>/<slug:slug>/", views.focus_area_detail, name="focus_area"),
]
