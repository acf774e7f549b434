from django.utils import translation


class UserLanguageMiddleware:
    """Logged-in users see pages in their profile's language (set by the language switcher),
    so that pages and digest emails agree; anonymous visitors get LocaleMiddleware's choice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
            if profile is not None and profile.language:
                translation.activate(profile.language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
