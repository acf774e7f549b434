from .selectors import asks_to_us_count


def asks_to_us(request):
    """`asks_to_us_count` for the navigation badge next to "Weekly" (one query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"asks_to_us_count": asks_to_us_count(user)}
