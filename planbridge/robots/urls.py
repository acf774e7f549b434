from django.urls import path

from . import views

app_name = "robots"

urlpatterns = [
    path("", views.robot_index, name="index"),
    path("department/<slug:slug>/", views.department_robots, name="department"),
    path("plan/<int:pk>/", views.plan_robots, name="plan"),
    path("<int:pk>/edit/", views.robot_edit, name="edit"),
    path("<int:pk>/test/", views.robot_test, name="test"),
    path("<int:pk>/delete/", views.robot_delete, name="delete"),
]
