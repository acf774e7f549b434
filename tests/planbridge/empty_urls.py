"""A URLconf with no routes: the 500 page must render even when no URL name resolves."""

urlpatterns: list = []
