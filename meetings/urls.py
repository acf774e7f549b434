from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.this_week, name="this_week"),
]
