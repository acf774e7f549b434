"""login_lockout_lift protects itself (docs/contributing.md "Guards"): only PMs and admins
lift a lockout, and only one there is now."""

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError

from planbridge import selectors, services

from .lockouts import attempt_rows

pytestmark = pytest.mark.django_db

NAME = "sid.sales"
ADDRESS = "192.0.2.8"


@pytest.fixture
def locked_name(db):
    """sid.sales locked out by ten failures from two addresses."""
    attempt_rows([(NAME, "198.51.100.1"), (NAME, "198.51.100.2")], failures=5)


@pytest.fixture
def locked_address(db):
    attempt_rows([(f"guess{n}", ADDRESS) for n in range(30)])


def _rows():
    return sorted(AccessAttempt.objects.values_list("username", "ip_address"))


def test_a_pm_lifts_a_user_name_s_lockout(pm, locked_name):
    assert services.login_lockout_lift(actor=pm, kind="username", value=NAME) == 2
    assert selectors.login_lockouts() == []
    assert not AccessAttempt.objects.exists()


def test_a_pm_lifts_an_address_s_lockout(pm, locked_address, locked_name):
    services.login_lockout_lift(actor=pm, kind="ip_address", value=ADDRESS)
    assert [(lockout.kind, lockout.value) for lockout in selectors.login_lockouts()] == [
        ("username", NAME)
    ]


def test_an_admin_lifts_a_lockout(admin_user, locked_name):
    services.login_lockout_lift(actor=admin_user, kind="username", value=NAME)
    assert selectors.login_lockouts() == []


@pytest.mark.parametrize("who", ["dev_coordinator", "sales_member"])
def test_only_pms_and_admins_lift_a_lockout(request, who, locked_name):
    before = _rows()
    with pytest.raises(PermissionDenied, match="Only project managers and administrators"):
        services.login_lockout_lift(actor=request.getfixturevalue(who), kind="username", value=NAME)
    assert _rows() == before


def test_a_user_name_short_of_the_limit_has_no_lockout_to_lift(pm):
    attempt_rows([(NAME, "198.51.100.1")], failures=9)
    with pytest.raises(ValidationError, match="There is no such lockout now"):
        services.login_lockout_lift(actor=pm, kind="username", value=NAME)
    assert _rows() == [(NAME, "198.51.100.1")]


@pytest.mark.parametrize(
    ("kind", "value"),
    [("ip_address", NAME), ("username", "198.51.100.1"), ("username", ""), ("ip_address", "")],
)
def test_a_lockout_of_another_kind_or_nothing_is_no_lockout(pm, locked_name, kind, value):
    before = _rows()
    with pytest.raises(ValidationError, match="There is no such lockout now"):
        services.login_lockout_lift(actor=pm, kind=kind, value=value)
    assert _rows() == before
