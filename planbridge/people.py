"""How a person is shown, in one place: pages, pickers, e-mails, robots' messages and exports
all name a user by their full name, and by their login only when no name is recorded (a login
such as `dev.coordinator` means nothing to a colleague)."""

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim

NOBODY = "—"


def person_name(user) -> str:
    """The user's full name, or their login when they have no name; "—" for no user."""
    if user is None:
        return NOBODY
    return user.get_full_name() or user.get_username()


def by_name(users: QuerySet) -> QuerySet:
    """`users` in the order their names are shown (the login where there is no name), so a
    picker reads alphabetically; the login breaks ties between equal names."""
    shown = Coalesce(
        NullIf(
            Trim(Concat(F("first_name"), Value(" "), F("last_name"), output_field=CharField())),
            Value(""),
        ),
        F("username"),
        output_field=CharField(),
    )
    return users.alias(shown_name=Lower(shown)).order_by("shown_name", "username")
