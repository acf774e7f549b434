from django.urls import path

from . import digest_views, views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="review_list"),
    path("new/", views.review_create, name="review_create"),
    path("<int:pk>/", views.review_detail, name="review_detail"),
    path("<int:pk>/open/", views.review_open, name="review_open"),
    path("<int:pk>/close/", views.review_close, name="review_close"),
    path("<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path(
        "<int:pk>/findings/from-evidence/",
        views.finding_from_evidence,
        name="finding_from_evidence",
    ),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/delete/", views.finding_delete, name="finding_delete"),
    path("findings/<int:pk>/carry/", views.finding_carry, name="finding_carry"),
    path("findings/<int:pk>/carry/new/", views.finding_carry_new, name="finding_carry_new"),
    path("findings/<int:pk>/dismiss/", views.finding_dismiss, name="finding_dismiss"),
    path("carryovers/<int:pk>/accept/", views.carryover_accept, name="carryover_accept"),
    path("carryovers/<int:pk>/decline/", views.carryover_decline, name="carryover_decline"),
    path("proposals/<int:pk>/accept/", views.carry_proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/decline/", views.carry_proposal_decline, name="proposal_decline"),
    path("plan-items/<int:pk>/findings/", views.plan_item_findings, name="plan_item_findings"),
    path("my-digest/", digest_views.my_digest, name="my_digest"),
]
