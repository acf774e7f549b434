"""The core's role predicates and their Q twins agree (docs/architecture.md "Where code
goes")."""

import pytest

from planbridge import rules
from planbridge.models import Department

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["pm", "dev_coordinator", "marketing_coordinator", "dev_member"])
def test_managed_departments_are_the_same_in_python_and_in_sql(request, departments, who):
    user = request.getfixturevalue(who)
    listed = set(
        Department.objects.filter(rules.managed_departments_q(user)).values_list("pk", flat=True)
    )
    assert listed == {
        department.pk
        for department in departments.values()
        if rules.can_manage_department(user, department.pk)
    }
