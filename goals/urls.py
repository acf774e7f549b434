from django.urls import path

from . import views

app_name = "goals"

urlpatterns = [
    path("", views.goal_list, name="goal_list"),
    path("new/", views.goal_create, name="goal_create"),
    path("smart-check/", views.smart_check, name="smart_check"),
    path("<int:pk>/", views.goal_detail, name="goal_detail"),
    path("<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("<int:pk>/checkins/", views.checkin_create, name="checkin_create"),
    path("<int:pk>/checkins/<int:checkin_pk>/edit/", views.checkin_edit, name="checkin_edit"),
    path(
        "<int:pk>/checkins/<int:checkin_pk>/delete/",
        views.checkin_delete,
        name="checkin_delete",
    ),
    path("objectives/", views.objective_list, name="objective_list"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("alignment/", views.alignment, name="alignment"),
    path("items/", views.plan_item_list, name="plan_item_list"),
    path("items/new/", views.plan_item_create, name="plan_item_create"),
    path("items/<int:pk>/", views.plan_item_detail, name="plan_item_detail"),
    path("items/<int:pk>/edit/", views.plan_item_edit, name="plan_item_edit"),
    path("items/<int:pk>/status/", views.plan_item_status, name="plan_item_status"),
    path("timeline/", views.timeline, name="timeline"),
    path("plans/<int:pk>/conflicts/", views.plan_conflicts, name="plan_conflicts"),
]
