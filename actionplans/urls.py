from django.urls import path

from actionplans import views

app_name = "actionplans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<slug:strategy_slug>/<int:year>/", views.plan_detail, name="detail"),
]
