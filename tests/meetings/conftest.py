import pytest

from .factories import this_week as current_week


@pytest.fixture
def week():
    """The Monday of the current week (settings.TIME_ZONE)."""
    return current_week()


@pytest.fixture
def everyone(
    pm, dev_coordinator, marketing_coordinator, sales_coordinator, sales_member, dev_member
):
    """All the named people, so that each department has its coordinator."""
    return {
        "pm": pm,
        "dev": dev_coordinator,
        "marketing": marketing_coordinator,
        "sales": sales_coordinator,
        "sales_member": sales_member,
        "dev_member": dev_member,
    }


@pytest.fixture
def running_plan(pm, dev_coordinator, marketing_coordinator, sales_coordinator):
    """A plan running today whose team has the three coordinators and the PM."""
    import datetime

    from planbridge.periods import add_months, month_end, month_start, today

    from ..factories import PlanFactory

    start = add_months(month_start(today()), -2)
    plan = PlanFactory(
        title="Launch plan", owner=pm, start=start, end=month_end(add_months(start, 5))
    )
    plan.team.set([pm, dev_coordinator, marketing_coordinator, sales_coordinator])
    assert plan.start <= today() <= plan.end + datetime.timedelta(days=0)
    return plan
