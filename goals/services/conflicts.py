"""What the update services of goals share: the refusal of a save that names an outdated
version (the optimistic lock: docs/architecture.md "Where code goes") and the default of a
field an update leaves as stored."""

import enum
from typing import Final, Literal

from django.core.exceptions import ValidationError
from django.db import models


class VersionConflict(ValidationError):
    """A save named a version older than the stored one; `current` is the stored row."""

    def __init__(self, message: str, *, current: models.Model) -> None:
        super().__init__(message, code="version_conflict")
        self.current = current


class _Unchanged(enum.Enum):
    UNCHANGED = "unchanged"


# An update's field arguments default to this: the stored value stays. (None is a value a
# nullable field can be set to, so it cannot mean "leave as is".)
UNCHANGED: Final = _Unchanged.UNCHANGED
Unchanged = Literal[_Unchanged.UNCHANGED]


def changed_fields(values: dict[str, object]) -> dict[str, object]:
    """The named values that are not UNCHANGED."""
    return {name: value for name, value in values.items() if value is not UNCHANGED}
