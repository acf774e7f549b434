import pytest
from django.urls import reverse

from planbridge.models import Profile
from tests.factories import MembershipFactory


def test_switching_to_chinese_translates_the_navigation_and_is_remembered(client_for, pm):
    client = client_for(pm)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/plans/"})
    assert response.status_code == 302
    assert response["Location"] == "/plans/"
    assert Profile.objects.get(user=pm).language == "zh-hans"
    html = client.get(reverse("plan_list")).content.decode()
    for label in ["仪表板", "计划", "目标", "每周", "复盘"]:
        assert label in html


def test_an_unknown_language_changes_nothing(client_for, pm):
    client = client_for(pm)
    client.post(reverse("set_language"), {"language": "klingon", "next": "/"}, follow=True)
    assert Profile.objects.get(user=pm).language == "en"


def test_the_language_switch_never_redirects_off_site(client_for, pm):
    response = client_for(pm).post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_anonymous_visitors_can_switch_the_login_page_to_chinese(anon):
    anon.post(reverse("set_language"), {"language": "zh-hans", "next": "/login/"})
    assert "登录 PlanBridge" in anon.get(reverse("login")).content.decode()


def test_a_user_opts_out_of_digests_on_the_profile_page(client_for, sales_member):
    client = client_for(sales_member)
    response = client.post(reverse("profile"), {"language": "en", "digest_opt_out": "on"})
    assert response.status_code == 302
    assert Profile.objects.get(user=sales_member).digest_opt_out is True


def test_the_profile_page_refuses_an_unknown_language(client_for, sales_member):
    response = client_for(sales_member).post(reverse("profile"), {"language": "xx"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Profile.objects.get(user=sales_member).language == "en"


def test_the_profile_page_shows_the_users_roles(client_for, dev_coordinator):
    html = client_for(dev_coordinator).get(reverse("profile")).content.decode()
    assert "Product Development" in html and "Coordinator" in html


def test_password_change_requires_the_old_password(client_for, sales_member):
    response = client_for(sales_member).post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "N3w-pass-phrase",
            "new_password2": "N3w-pass-phrase",
        },
    )
    assert response.status_code == 200
    sales_member.refresh_from_db()
    assert sales_member.check_password("correct-horse-battery")


@pytest.mark.parametrize("departments_count", [1, 30])
def test_the_profile_page_runs_a_bounded_number_of_queries(
    client_for, sales_member, departments_count, django_assert_max_num_queries
):
    for _ in range(departments_count):
        MembershipFactory(user=sales_member)
    client = client_for(sales_member)
    # session, user, profile (middleware), pm group, asks-to-us badge, profile (view),
    # memberships with departments, pm group for the roles line.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("profile"))
    assert response.status_code == 200
    assert response.content.decode().count("Member") >= departments_count


def test_the_language_switch_only_accepts_post(anon):
    assert anon.get(reverse("set_language")).status_code == 405
