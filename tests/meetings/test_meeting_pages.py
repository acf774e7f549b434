"""Meetings: created by a PM or the plan's owner; the facilitator (or a PM) records
attendance, notes and action items; members mark their own actions done; minutes download
as Markdown."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from meetings.models import ActionItem, Meeting
from planbridge.periods import add_months, month_end, month_start, today, week_start
from planbridge.rules import plan_first_day, plan_last_day

from ..factories import PlanFactory, UserFactory
from .factories import ActionItemFactory, MeetingFactory, WeeklyUpdateFactory

CREATE = reverse("meetings:meeting_create")
# What the form shows filled in; a browser posts it back.
TIMES = {"start_time": "10:00", "end_time": "11:00"}


def test_a_pm_creates_the_week_meeting(client_for, pm, running_plan):
    response = client_for(pm).post(
        CREATE,
        {"date": today().isoformat(), "plan": running_plan.pk, "facilitator": pm.pk, **TIMES},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("meetings:meeting_detail", args=[meeting.pk])
    assert (meeting.week, meeting.plan, meeting.facilitator) == (
        week_start(today()),
        running_plan,
        pm,
    )


def test_the_plan_owner_creates_meetings_of_their_plan_only(client_for, dev_coordinator):
    start = today().replace(day=1)
    own = PlanFactory(owner=dev_coordinator, start=start, end=start + datetime.timedelta(days=90))
    other = PlanFactory(start=start, end=start + datetime.timedelta(days=90))
    client = client_for(dev_coordinator)
    data = {"date": today().isoformat(), "facilitator": dev_coordinator.pk, **TIMES}

    assert client.post(CREATE, {**data, "plan": other.pk}).status_code == 400
    assert client.post(CREATE, {**data, "plan": ""}).status_code == 400
    assert not Meeting.objects.exists()
    assert client.post(CREATE, {**data, "plan": own.pk}).status_code == 302
    assert Meeting.objects.get().plan == own


@pytest.mark.parametrize("who", ["dev_coordinator", "sales_member"])
def test_others_may_not_create_meetings(request, client_for, who, running_plan):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(CREATE).status_code == 403
    response = client.post(CREATE, {"date": today().isoformat(), "facilitator": user.pk})
    assert response.status_code == 403
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "date, message",
    [
        ("not-a-date", "Enter a valid date"),
        ("2001-01-01", "within a year of today"),
        ("1999-01-01", "Enter a date between 2000-01-01 and 2100-12-31."),
        ("9999-12-31", "Enter a date between 2000-01-01 and 2100-12-31."),
    ],
)
def test_a_bad_meeting_date_is_refused(client_for, pm, date, message):
    response = client_for(pm).post(
        CREATE, {"date": date, "plan": "", "facilitator": pm.pk, **TIMES}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_meeting_outside_its_plan_is_refused(client_for, pm, running_plan):
    # The day after the month that follows the plan's end is no longer the plan's.
    late = plan_last_day(running_plan) + datetime.timedelta(days=1)
    # Within a year of today, so that it is the plan's rule, not the form's, that refuses it.
    assert abs((late - today()).days) <= 366
    response = client_for(pm).post(
        CREATE,
        {"date": late.isoformat(), "plan": running_plan.pk, "facilitator": pm.pk, **TIMES},
    )
    assert response.status_code == 400
    first, last = plan_first_day(running_plan), plan_last_day(running_plan)
    assert response.context["form"].errors["date"] == [
        f"The meeting date is outside the days the plan “Launch plan” owns ({first} – {last}: "
        "from its creation or start to the end of the month after its end)."
    ]
    assert not Meeting.objects.exists()


def test_a_meeting_form_offers_and_proposes_a_plan_starting_next_month(client_for, pm):
    start = add_months(month_start(today()), 1)
    plan = PlanFactory(title="R&D and launch", owner=pm, start=start, end=month_end(start))
    client = client_for(pm)
    form = client.get(CREATE).context["form"]
    assert form.initial["plan"] == plan.pk
    assert plan in form.fields["plan"].queryset
    response = client.post(
        CREATE, {"date": today().isoformat(), "plan": plan.pk, "facilitator": pm.pk, **TIMES}
    )
    assert response.status_code == 302
    assert Meeting.objects.get().plan == plan


def test_the_facilitator_records_attendance_and_notes(client_for, pm, running_plan, everyone):
    facilitator = everyone["marketing"]
    meeting = MeetingFactory(plan=running_plan, facilitator=facilitator)
    response = client_for(facilitator).post(
        reverse("meetings:meeting_record", args=[meeting.pk]),
        {"attendees": [everyone["dev"].pk, pm.pk], "notes": "Freeze date agreed"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.notes == "Freeze date agreed"
    assert set(meeting.attendees.all()) == {everyone["dev"], pm}


def test_attendance_of_someone_outside_the_plan_team_is_refused(
    client_for, pm, running_plan, everyone
):
    meeting = MeetingFactory(plan=running_plan, facilitator=pm)
    outsider = UserFactory()
    response = client_for(pm).post(
        reverse("meetings:meeting_record", args=[meeting.pk]),
        {"attendees": [outsider.pk], "notes": "x"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.notes == "" and not meeting.attendees.exists()


@pytest.mark.parametrize("who", ["dev_coordinator", "sales_member"])
def test_only_the_facilitator_or_a_pm_records(request, client_for, running_plan, pm, who):
    meeting = MeetingFactory(plan=running_plan, facilitator=pm)
    client = client_for(request.getfixturevalue(who))
    record = client.post(reverse("meetings:meeting_record", args=[meeting.pk]), {"notes": "mine"})
    action = client.post(
        reverse("meetings:action_item_create", args=[meeting.pk]),
        {"title": "x", "owner": pm.pk, "department": 1, "due": today().isoformat()},
    )
    assert record.status_code == 403 and action.status_code == 403
    meeting.refresh_from_db()
    assert meeting.notes == "" and not ActionItem.objects.exists()


def test_the_facilitator_records_an_action_item(
    client_for, pm, running_plan, everyone, departments
):
    meeting = MeetingFactory(plan=running_plan, facilitator=pm)
    response = client_for(pm).post(
        reverse("meetings:action_item_create", args=[meeting.pk]),
        {
            "title": "Publish the revised schedule",
            "owner": everyone["dev"].pk,
            "department": departments["dev"].pk,
            "due": (meeting.date + datetime.timedelta(days=4)).isoformat(),
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.meeting, item.owner, item.department, item.status) == (
        meeting,
        everyone["dev"],
        departments["dev"],
        "open",
    )


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"due": "2001-01-01"}, "cannot be due before the meeting"),
        ({"due": "tomorrow"}, "Enter a valid date"),
        ({"title": ""}, "This field is required"),
        ({"owner": "abc"}, "Select a valid choice"),
    ],
)
def test_a_bad_action_item_is_refused(
    client_for, pm, running_plan, everyone, departments, overrides, message
):
    meeting = MeetingFactory(plan=running_plan, facilitator=pm)
    data = {
        "title": "Do it",
        "owner": everyone["dev"].pk,
        "department": departments["dev"].pk,
        "due": meeting.date.isoformat(),
        **overrides,
    }
    response = client_for(pm).post(reverse("meetings:action_item_create", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActionItem.objects.exists()


def test_a_member_marks_their_own_action_done_but_not_others(
    client_for, running_plan, everyone, departments
):
    mine = ActionItemFactory(owner=everyone["sales_member"], meeting__plan=running_plan)
    theirs = ActionItemFactory(owner=everyone["dev"], meeting=mine.meeting)
    client = client_for(everyone["sales_member"])

    ok = client.post(reverse("meetings:action_item_status", args=[mine.pk]), {"status": "done"})
    refused = client.post(
        reverse("meetings:action_item_status", args=[theirs.pk]), {"status": "done"}
    )

    assert ok.status_code == 302 and refused.status_code == 403
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == "done" and mine.done_at is not None
    assert theirs.status == "open"


def test_an_unknown_action_status_changes_nothing(client_for, everyone, running_plan):
    item = ActionItemFactory(owner=everyone["sales_member"], meeting__plan=running_plan)
    response = client_for(everyone["sales_member"]).post(
        reverse("meetings:action_item_status", args=[item.pk]),
        {"status": "finished", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("meetings:meeting_detail", args=[item.meeting_id])
    item.refresh_from_db()
    assert item.status == "open"


def test_getting_a_post_only_page_is_not_allowed(client_for, pm, running_plan):
    meeting = MeetingFactory(plan=running_plan, facilitator=pm)
    assert (
        client_for(pm).get(reverse("meetings:meeting_record", args=[meeting.pk])).status_code == 405
    )


def test_the_minutes_download_as_markdown(client_for, pm, running_plan, departments, everyone):
    meeting = MeetingFactory(plan=running_plan, facilitator=pm, notes="Freeze agreed")
    meeting.attendees.set([everyone["dev"]])
    WeeklyUpdateFactory(department=departments["dev"], plan=running_plan, progress="Core late")
    ActionItemFactory(meeting=meeting, title="Send the deck", owner=everyone["marketing"])

    response = client_for(everyone["sales_member"]).get(
        reverse("meetings:meeting_minutes", args=[meeting.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert f'filename="meeting-{meeting.date:%Y-%m-%d}.md"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith(f"# Weekly coordination meeting of {meeting.date:%Y-%m-%d}")
    assert "### Product Development" in text and "Core late" in text
    assert "- Marketing" in text and "- Sales" in text  # not submitted
    assert "Freeze agreed" in text
    assert "- [ ] Send the deck" in text
    assert "&amp;" not in text and "&#x27;" not in text


def test_meeting_pages_send_anonymous_visitors_to_login(anon, running_plan):
    meeting = MeetingFactory(plan=running_plan)
    for url in [
        reverse("meetings:meeting_list"),
        CREATE,
        reverse("meetings:meeting_detail", args=[meeting.pk]),
        reverse("meetings:meeting_minutes", args=[meeting.pk]),
    ]:
        response = anon.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_unknown_meeting_is_not_found(client_for, pm):
    assert client_for(pm).get("/weekly/meetings/424242/").status_code == 404


@pytest.mark.parametrize("size", [5, 100])
def test_the_meeting_list_runs_a_bounded_number_of_queries(
    client_for, sales_member, django_assert_max_num_queries, size
):
    plan = PlanFactory()
    for n in range(size):
        MeetingFactory(plan=plan if n % 2 else None, date=today() - datetime.timedelta(weeks=n))
    client = client_for(sales_member)
    # session, user, profile, PM group (permission), owned plans, count, rows, navigation
    # roles, asks badge: about 9 whatever the number of meetings (30 a page).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("meetings:meeting_list") + "?page=2")
    assert response.status_code == 200


def test_a_second_meeting_in_the_same_week_and_plan_is_refused(client_for, pm, running_plan):
    MeetingFactory(plan=running_plan, facilitator=pm, date=today())
    response = client_for(pm).post(
        CREATE,
        {"date": today().isoformat(), "plan": running_plan.pk, "facilitator": pm.pk, **TIMES},
    )
    assert response.status_code == 400
    assert "This week already has its coordination meeting" in response.content.decode()
    assert Meeting.objects.count() == 1
    # Without a plan, the week's company-wide meeting is another meeting.
    response = client_for(pm).post(
        CREATE, {"date": today().isoformat(), "plan": "", "facilitator": pm.pk, **TIMES}
    )
    assert response.status_code == 302
    assert Meeting.objects.count() == 2


def test_date_pickers_keep_their_date_in_chinese(client_for, pm, running_plan, departments):
    from planbridge.models import Profile

    Profile.objects.update_or_create(user=pm, defaults={"language": "zh-hans"})
    meeting = MeetingFactory(plan=running_plan, facilitator=pm, date=today())
    client = client_for(pm)
    # <input type="date"> shows nothing for a locale format such as "2026/11/25": ISO only.
    form_page = client.get(CREATE).content.decode()
    assert f'type="date" name="date" value="{today():%Y-%m-%d}"' in form_page
    meeting_page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert f'name="due" value="{meeting.date:%Y-%m-%d}"' in meeting_page.content.decode()
    # The ISO value the browser sends back is accepted in Chinese too.
    response = client.post(
        reverse("meetings:action_item_create", args=[meeting.pk]),
        {
            "title": "发送进度表",
            "owner": pm.pk,
            "department": departments["dev"].pk,
            "due": meeting.date.isoformat(),
        },
    )
    assert response.status_code == 302
    assert ActionItem.objects.get().due == meeting.date


def test_the_minutes_keep_a_multi_line_update_inside_its_list_item(
    client_for, pm, running_plan, departments
):
    meeting = MeetingFactory(plan=running_plan, facilitator=pm)
    WeeklyUpdateFactory(
        department=departments["dev"], plan=running_plan, progress="Sync fixed\n\n# Reports done"
    )
    text = client_for(pm).get(reverse("meetings:meeting_minutes", args=[meeting.pk]))
    assert "- **Progress:** Sync fixed\n  # Reports done\n" in text.content.decode()


def test_an_overdue_carried_action_is_marked_in_words(client_for, pm, running_plan, everyone):
    earlier = MeetingFactory(
        plan=running_plan, facilitator=pm, date=today() - datetime.timedelta(days=14)
    )
    late = ActionItemFactory(meeting=earlier, due=today() - datetime.timedelta(days=1))
    ActionItemFactory(meeting=earlier, due=today() + datetime.timedelta(days=3))
    meeting = MeetingFactory(plan=running_plan, facilitator=pm, date=today())
    body = client_for(pm).get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    body = body.content.decode()
    assert body.count('data-testid="action-overdue"') == 1
    row = body[body.index(f'data-action="{late.pk}"') :]
    assert row.index('data-testid="action-overdue"') < row.index("</tr>")


def test_the_database_refuses_a_second_meeting_for_the_same_plan_and_week(running_plan, pm):
    MeetingFactory(plan=running_plan, facilitator=pm, date=today())
    MeetingFactory(plan=None, facilitator=pm, date=today())
    for plan in (running_plan, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            MeetingFactory(plan=plan, facilitator=pm, date=today())
