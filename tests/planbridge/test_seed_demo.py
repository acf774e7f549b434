import io

from django.apps import apps
from django.core.management import call_command

from planbridge.models import PM_GROUP, Department, Membership, Plan


def counts() -> dict[str, int]:
    """Rows of every model of the project's apps (historical records included)."""
    return {
        model._meta.label: model.objects.count()
        for app in ("planbridge", "goals", "meetings", "reviews")
        for model in apps.get_app_config(app).get_models()
    }


def test_seed_demo_makes_the_seed_scenario(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Department.objects.values_list("name", flat=True)) == {
        "Product Development",
        "Marketing",
        "Sales",
    }
    coordinators = Membership.objects.filter(role=Membership.Role.COORDINATOR)
    assert coordinators.values("department").distinct().count() == 3
    assert Membership.objects.filter(role=Membership.Role.MEMBER).count() >= 3
    pm = Plan.objects.get().owner
    assert pm.groups.filter(name=PM_GROUP).exists()
    assert pm.is_superuser and pm.is_staff
    assert not Membership.objects.filter(user__is_staff=True).exists()
    plan = Plan.objects.get()
    assert "new product" in plan.background.lower()
    assert plan.team.count() == 7


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo", stdout=io.StringIO())
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first


def test_seed_demo_in_chinese_names_departments_in_chinese(db):
    call_command("seed_demo", "--lang", "zh-hans", stdout=io.StringIO())
    assert set(Department.objects.values_list("name", flat=True)) == {
        "产品开发部",
        "市场推广部",
        "销售部",
    }
    assert Plan.objects.get().title == "新产品研发与推广项目"
    coordinator = Membership.objects.get(role="coordinator", department__slug="development").user
    assert coordinator.get_full_name() == "陈伟"


def test_a_second_run_keeps_the_language_of_the_demo_already_loaded(db):
    call_command("seed_demo", "--lang", "zh-hans", stdout=io.StringIO())
    first = counts()
    plain, asked_english = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=plain)
    call_command("seed_demo", "--lang", "en", stdout=asked_english)
    assert "Demo data ready (zh-hans)." in plain.getvalue()
    assert "(en)" not in plain.getvalue()
    assert "already loaded in zh-hans" in asked_english.getvalue()
    assert "Demo data ready (zh-hans)." in asked_english.getvalue()
    assert counts() == first
    assert Plan.objects.get().title == "新产品研发与推广项目"


def test_a_new_demo_is_in_english_unless_asked(db):
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    assert "Demo data ready (en)." in output.getvalue()
