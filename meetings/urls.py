from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.this_week, name="this_week"),
    path("updates/<int:pk>/", views.update_detail, name="update_detail"),
    path("asks/", views.ask_list, name="ask_list"),
    path("asks/new/", views.ask_create, name="ask_create"),
    path("asks/<int:pk>/", views.ask_detail, name="ask_detail"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/record/", views.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/edit/", views.meeting_reschedule, name="meeting_reschedule"),
    path("meetings/<int:pk>/actions/", views.action_item_create, name="action_item_create"),
    path("meetings/<int:pk>/minutes.md", views.meeting_minutes, name="meeting_minutes"),
    path("actions/<int:pk>/status/", views.action_item_status, name="action_item_status"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
]
