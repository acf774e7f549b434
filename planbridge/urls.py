from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import (
    dashboard,
    favicon,
    my_work,
    notification_views,
    password_reset,
    plan_document,
    trace,
    views,
)

urlpatterns = [
    path("", my_work.home, name="home"),
    path("me/", my_work.my_work, name="my_work"),
    path("bridge/", dashboard.dashboard, name="dashboard"),
    path("bridge/<str:metric>/", dashboard.dashboard_detail, name="dashboard_detail"),
    path("trace/<str:kind>/<int:pk>/", trace.trace, name="trace"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", password_reset.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        password_reset.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("language/", views.set_language, name="set_language"),
    path("profile/", views.profile, name="profile"),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/settings/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
    path("logins/locked/", views.login_lockouts, name="login_lockouts"),
    path("logins/locked/unlock/", views.login_lockout_lift, name="login_lockout_lift"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/archive/", views.plan_archive, name="plan_archive"),
    path("plans/<int:pk>/unarchive/", views.plan_unarchive, name="plan_unarchive"),
    path("plans/<int:pk>/document/", plan_document.plan_document, name="plan_document"),
    path(
        "plans/<int:pk>/document.md",
        plan_document.plan_document_markdown,
        name="plan_document_markdown",
    ),
    path("plans/<int:pk>/items.csv", plan_document.plan_items_csv, name="plan_items_csv"),
    path("robots/", include("planbridge.robots.urls")),
    path("goals/", include("goals.urls")),
    path("weekly/", include("meetings.urls")),
    path("reviews/", include("reviews.urls")),
    path("admin/", admin.site.urls),
]
