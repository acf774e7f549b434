"""Shared fixtures: the named people of the permission tests (docs/architecture.md "Tests")
and logged-in clients.

Pat is a PM; Dana coordinates Development; Mia coordinates Marketing; Sam coordinates
Sales; Sid is a Sales member; Dev is a Development member. `anon` is a client with no login.
"""

import pytest

from planbridge.models import Membership

from .browser_client import BrowserClient
from .factories import DepartmentFactory, MembershipFactory, PlanFactory, UserFactory, make_pm
from .workers import worker_app  # noqa: F401 (a fixture for the tests that need a real worker)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LANGUAGE_CODE = "en"
    # Hashing is deliberately slow; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def departments(db):
    return {
        "dev": DepartmentFactory(name="Product Development", slug="development"),
        "marketing": DepartmentFactory(name="Marketing", slug="marketing"),
        "sales": DepartmentFactory(name="Sales", slug="sales"),
    }


def _member(username, department, role):
    user = UserFactory(username=username, first_name=username.split(".")[0].title())
    MembershipFactory(user=user, department=department, role=role)
    return user


@pytest.fixture
def pm(db):
    return make_pm("pat.pm")


@pytest.fixture
def dev_coordinator(departments):
    return _member("dana.dev", departments["dev"], Membership.Role.COORDINATOR)


@pytest.fixture
def marketing_coordinator(departments):
    return _member("mia.marketing", departments["marketing"], Membership.Role.COORDINATOR)


@pytest.fixture
def sales_coordinator(departments):
    return _member("sam.sales", departments["sales"], Membership.Role.COORDINATOR)


@pytest.fixture
def sales_member(departments):
    return _member("sid.sales", departments["sales"], Membership.Role.MEMBER)


@pytest.fixture
def dev_member(departments):
    return _member("devon.dev", departments["dev"], Membership.Role.MEMBER)


@pytest.fixture
def plan(pm, dev_coordinator, marketing_coordinator, sales_coordinator):
    plan = PlanFactory(title="New product launch", owner=pm)
    plan.team.set([pm, dev_coordinator, marketing_coordinator, sales_coordinator])
    return plan


@pytest.fixture
def client_for(db):
    """client_for(user) -> a test client logged in as that user, posting create forms with
    their one-time token as a browser does (tests/browser_client.py)."""

    def make(user):
        client = BrowserClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def anon(db):
    return BrowserClient()
