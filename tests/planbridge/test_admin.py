"""Every domain model keeps its change history and is in the admin (docs/architecture.md
"Where code goes")."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

# Operational rows with their own status and timestamps, not domain records; audit records
# are themselves the history of what they record, written once and never changed.
WITHOUT_HISTORY = {"planbridge.OutboxMessage", "planbridge.AuditRecord"}
# A submitted form's one-time token is a receipt, kept a week (docs/architecture.md
# "Idempotent writes").
WITHOUT_HISTORY.add("planbridge.SubmissionToken")
# Notifications are deliveries of events whose objects keep their own history; a user's
# e-mail choice per kind is a setting like the language switcher's cookie.
WITHOUT_HISTORY |= {"planbridge.Notification", "planbridge.NotificationPreference"}


def domain_models():
    return [
        model
        for app in ("planbridge", "goals", "meetings", "reviews")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    ]


@pytest.mark.parametrize("model", domain_models(), ids=lambda model: model._meta.label)
def test_every_domain_model_is_in_the_admin_with_its_history(model):
    assert admin.site.is_registered(model), model._meta.label
    if model._meta.label not in WITHOUT_HISTORY:
        assert hasattr(model, "history"), model._meta.label


@pytest.mark.parametrize("model", domain_models(), ids=lambda model: model._meta.label)
def test_an_administrator_opens_every_admin_list(admin_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
