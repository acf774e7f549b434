"""Nothing a user can type gives a 500, and a refused request saves nothing.

Every URL pattern of the project (from the resolver, so a new page is covered or this test
says it is not) is requested with ids of a small dataset — of every department, and ids
that exist nowhere — by every named person and an anonymous visitor, with a fixed, seeded
sample of hostile values: very long text, NUL bytes, emoji, HTML, SQL, odd numbers,
impossible dates, missing and doubled fields, in POST bodies and in query strings.
"""

import datetime
import importlib
import inspect
import random
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django import forms
from django.contrib.messages import ERROR, get_messages
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from goals.models import PlanItem
from meetings.models import ActionItem
from planbridge import periods
from planbridge.models import Profile, calendar_token_hash, new_calendar_token
from reviews.models import Carryover, CarryProposal, Review
from tests.factories import PlanFactory
from tests.goals.factories import CheckInFactory, GoalFactory, ObjectiveFactory
from tests.meetings.factories import (
    AskFactory,
    MeetingFactory,
    WeeklyUpdateFactory,
    this_week,
)
from tests.reviews.factories import FindingFactory, ReviewFactory

SEED = 20261201
REQUESTS_PER_URL = {"POST": 3, "GET": 1}
# No row has it, and no integer column can even hold it.
HUGE_ID = 10**20

# Not fuzzed: the admin (Django's own), the health check (it waits on the broker) and
# logout (it would end the sessions the other requests use).
SKIPPED_URL_NAMES = {"healthz", "logout"}

HOSTILE = [
    "x" * 100_000,
    "\x00",
    "a\x00b",
    "🚀🧨👩‍💻",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1; DROP TABLE goals_goal; --",
    "NaN",
    "inf",
    "-inf",
    "-1",
    "0",
    "1e309",
    str(10**30),
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "9999-12",
    "",
    " ",
]

QUERY_NAMES = [
    "plan",
    "department",
    "month",
    "month_from",
    "month_to",
    "status",
    "owner",
    "failed",
    "box",
    "state",
    "review",
    "page",
    "quarter",
    "update",
    "to",
    "goal",
    "next",
]

EXTRA_POST_NAMES = [
    "next",
    "language",
    "action",
    "goal",
    "username",
    "password",
    "old_password",
    "new_password1",
    "new_password2",
]


def _form_field_names() -> list[str]:
    names = set(EXTRA_POST_NAMES)
    for module_name in (
        "goals.forms",
        "meetings.forms",
        "reviews.forms",
        "planbridge.forms",
        "planbridge.dashboard",
    ):
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, forms.BaseForm):
                names.update(value.base_fields)
    return sorted(names)


def _patterns(patterns=None, prefix="", namespace=None):
    """(route, url name) of every pattern outside the admin."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            yield from _patterns(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name


def _dataset(people, departments):
    """Rows of every kind, in every department, for the ids in the URLs and the forms."""
    pm = people["pm"]
    today = periods.today()
    start = periods.add_months(periods.month_start(today), -2)
    plan = PlanFactory(
        title="Launch", owner=pm, start=start, end=periods.month_end(periods.add_months(start, 5))
    )
    plan.team.set(people.values())
    objective = ObjectiveFactory(owner=pm, plan=plan, quarter=periods.quarter_start(today))
    goals, checkins, items = {}, {}, {}
    for key, owner in (("dev", "dev_member"), ("marketing", "marketing"), ("sales", "sales")):
        goals[key] = GoalFactory(
            department=departments[key],
            owner=people[owner],
            objective=objective,
            plan=plan,
            start=start,
            due=plan.end,
        )
        checkins[key] = CheckInFactory(goal=goals[key], date=today)
        items[key] = PlanItem.objects.create(
            plan=plan,
            department=departments[key],
            month=periods.month_start(today),
            title=f"{key} work",
            owner=people[owner],
            start=periods.month_start(today),
            due=periods.month_end(today),
            goal=goals[key],
        )
    items["marketing"].depends_on.add(items["dev"])
    updates = {
        key: WeeklyUpdateFactory(
            department=departments[key], week=this_week(), plan=plan, author=people[key]
        )
        for key in ("dev", "marketing")
    }
    asks = [
        AskFactory(
            from_department=departments[a],
            to_department=departments[b],
            created_by=people[a],
            plan=plan,
        )
        for a, b in (("marketing", "dev"), ("sales", "marketing"), ("dev", "sales"))
    ]
    meeting = MeetingFactory(plan=plan, facilitator=pm, date=today)
    actions = [
        ActionItem.objects.create(
            meeting=meeting,
            title=f"Action of {owner}",
            owner=people[owner],
            department=departments[key],
            due=today + datetime.timedelta(days=7),
        )
        for key, owner in (("dev", "dev"), ("sales", "sales_member"))
    ]
    review = ReviewFactory(month=periods.month_start(today), plan=plan, facilitator=pm)
    draft = ReviewFactory(
        month=periods.add_months(periods.month_start(today), -1),
        plan=plan,
        facilitator=pm,
        status=Review.Status.DRAFT,
        opened_at=None,
    )
    findings = {
        key: FindingFactory(review=review, department=departments[key], created_by=pm)
        for key in ("dev", "marketing")
    }
    carryover = Carryover.objects.create(
        finding=findings["dev"], plan_item=items["marketing"], created_by=people["dev"]
    )
    proposal = CarryProposal.objects.create(
        finding=findings["marketing"],
        department=departments["sales"],
        month=periods.add_months(periods.month_start(today), 1),
        title="Brochures",
        proposed_by=people["marketing"],
    )
    token = new_calendar_token()
    for user in people.values():
        # The pages create a missing profile on a GET; create them here, so that any row
        # written by a GET is a finding of this test.
        Profile.objects.get_or_create(user=user)
    Profile.objects.filter(user=people["dev"]).update(
        calendar_token_hash=calendar_token_hash(token)
    )
    return {
        "plan": plan,
        "objective": objective,
        "goals": goals,
        "checkins": checkins,
        "items": items,
        "updates": updates,
        "asks": asks,
        "meeting": meeting,
        "actions": actions,
        "reviews": [review, draft],
        "findings": findings,
        "carryover": carryover,
        "proposal": proposal,
        "token": token,
        "people": people,
        "departments": departments,
    }


def _kwargs_by_url_name(data) -> dict[str, list[dict]]:
    """For each URL name with parameters: real ids of every department and an id no
    database column can hold."""

    def ids(objects):
        return [{"pk": obj.pk} for obj in objects] + [{"pk": HUGE_ID}]

    goals, items, findings = data["goals"], data["items"], data["findings"]
    checkins = data["checkins"]
    checkin_pairs = [{"pk": goals[key].pk, "checkin_pk": checkins[key].pk} for key in goals]
    checkin_pairs += [
        {"pk": goals["dev"].pk, "checkin_pk": checkins["sales"].pk},
        {"pk": goals["dev"].pk, "checkin_pk": HUGE_ID},
    ]
    plan_ids = ids([data["plan"]])
    return {
        "dashboard_detail": [
            {"metric": metric} for metric in ("goals", "conflicts", "asks", "updates", "nope")
        ],
        "trace": [
            {"kind": "objective", "pk": data["objective"].pk},
            {"kind": "goal", "pk": goals["marketing"].pk},
            {"kind": "item", "pk": items["sales"].pk},
            {"kind": "finding", "pk": findings["dev"].pk},
            {"kind": "item", "pk": HUGE_ID},
            {"kind": "nope", "pk": 1},
        ],
        # A reset link of user 1 with Django's placeholder token, and a garbled one.
        "password_reset_confirm": [
            {"uidb64": "MQ", "token": "set-password"},
            {"uidb64": "x" * 300, "token": "nope-nope"},
        ],
        "plan_detail": plan_ids,
        "plan_edit": plan_ids,
        "plan_archive": plan_ids,
        "plan_unarchive": plan_ids,
        "plan_document": plan_ids,
        "plan_document_markdown": plan_ids,
        "plan_items_csv": plan_ids,
        "goals:goal_detail": ids(goals.values()),
        "goals:goal_edit": ids(goals.values()),
        "goals:checkin_create": ids(goals.values()),
        "goals:checkin_edit": checkin_pairs,
        "goals:checkin_delete": checkin_pairs,
        "goals:objective_edit": ids([data["objective"]]),
        "goals:plan_item_detail": ids(items.values()),
        "goals:plan_item_edit": ids(items.values()),
        "goals:plan_item_status": ids(items.values()),
        "goals:plan_conflicts": plan_ids,
        "meetings:update_detail": ids(data["updates"].values()),
        "meetings:ask_detail": ids(data["asks"]),
        "meetings:meeting_detail": ids([data["meeting"]]),
        "meetings:meeting_record": ids([data["meeting"]]),
        "meetings:meeting_reschedule": ids([data["meeting"]]),
        "meetings:action_item_create": ids([data["meeting"]]),
        "meetings:meeting_minutes": ids([data["meeting"]]),
        "meetings:action_item_status": ids(data["actions"]),
        "meetings:calendar_feed": [{"token": data["token"]}, {"token": "nope"}],
        "reviews:review_detail": ids(data["reviews"]),
        "reviews:review_open": ids(data["reviews"]),
        "reviews:review_close": ids(data["reviews"]),
        "reviews:finding_create": ids(data["reviews"]),
        "reviews:finding_from_evidence": ids(data["reviews"]),
        "reviews:finding_detail": ids(findings.values()),
        "reviews:finding_edit": ids(findings.values()),
        "reviews:finding_delete": ids(findings.values()),
        "reviews:finding_carry": ids(findings.values()),
        "reviews:finding_carry_new": ids(findings.values()),
        "reviews:finding_dismiss": ids(findings.values()),
        "reviews:carryover_accept": ids([data["carryover"]]),
        "reviews:carryover_decline": ids([data["carryover"]]),
        "reviews:proposal_accept": ids([data["proposal"]]),
        "reviews:proposal_decline": ids([data["proposal"]]),
        "reviews:plan_item_findings": ids(items.values()),
        # Nobody has notifications here: each id is someone else's or no one's (a 404).
        "notification_read": [{"pk": 1}, {"pk": HUGE_ID}],
        "robots:department": [{"slug": d.slug} for d in data["departments"].values()]
        + [{"slug": "nope"}],
        "robots:plan": plan_ids,
        # No robot exists here: a real one would post to its platform from the test button.
        "robots:edit": [{"pk": HUGE_ID}],
        "robots:test": [{"pk": HUGE_ID}],
        "robots:delete": [{"pk": HUGE_ID}],
    }


def _urls(data) -> list[str]:
    kwargs_by_name = _kwargs_by_url_name(data)
    urls, uncovered = [], []
    for route, name in _patterns():
        if name in SKIPPED_URL_NAMES:
            continue
        if "<" not in route:
            urls.append(reverse(name))
        elif name in kwargs_by_name:
            urls.extend(reverse(name, kwargs=kwargs) for kwargs in kwargs_by_name[name])
        else:
            uncovered.append(route)
    assert not uncovered, f"give these URL patterns ids in _kwargs_by_url_name: {uncovered}"
    return urls


def _plausible(name: str, rng: random.Random, data):
    """A value a well-meaning user could send for a field of that name."""
    people, departments, items = data["people"], data["departments"], data["items"]
    today = periods.today()
    user_ids = [user.pk for user in people.values()]
    values = {
        "department": [d.pk for d in departments.values()],
        "from_department": [d.pk for d in departments.values()],
        "to_department": [d.pk for d in departments.values()],
        "owner": user_ids,
        "facilitator": user_ids,
        "plan": [data["plan"].pk],
        "objective": [data["objective"].pk],
        "goal": [goal.pk for goal in data["goals"].values()],
        "plan_item": [item.pk for item in items.values()],
        "evidence_object_id": [item.pk for item in items.values()],
        "review": [review.pk for review in data["reviews"]],
        "month": [f"{today:%Y-%m}", f"{periods.add_months(today, 1):%Y-%m}"],
        "month_from": [f"{data['plan'].start:%Y-%m}"],
        "month_to": [f"{today:%Y-%m}"],
        "quarter": [today.isoformat()],
        "start": [today.isoformat()],
        "due": [(today + datetime.timedelta(days=20)).isoformat()],
        "end": [data["plan"].end.isoformat()],
        "date": [today.isoformat()],
        "needed_by": [(today + datetime.timedelta(days=7)).isoformat()],
        "baseline": ["0"],
        "target": ["100"],
        "value": ["10"],
        "confidence": ["7"],
        "version": ["0", "1"],
        "page": ["1", "2"],
        "direction": ["up", "down"],
        "status": ["planned", "in_progress", "blocked", "done", "open"],
        "answer": ["accept", "decline", "done"],
        "kind": ["problem", "risk"],
        "severity": ["medium", "high"],
        "evidence_kind": ["plan_item", "goal"],
        "state": ["", "waiting", "open"],
        "box": ["to_us", "from_us", "all"],
        "failed": ["", "any", "S"],
        "language": ["en", "zh-hans"],
        "action": ["regenerate", "revoke"],
        "digest_opt_out": ["on", ""],
        "next": ["/", "/goals/"],
        "username": ["pat.pm"],
        "password": ["not-the-password"],
        "old_password": ["not-the-password"],
    }
    if name in ("attendees", "team", "depends_on"):
        pool = user_ids if name != "depends_on" else [item.pk for item in items.values()]
        return rng.sample(pool, rng.randint(1, 2))
    if name.startswith(("status_", "shown_")):
        return rng.choice(["planned", "in_progress", "done"])
    return rng.choice(values.get(name, ["Send the launch brochure by Friday"]))


class _FormParser(HTMLParser):
    """The forms of a page: method, action and, per field name, the values the page offers
    (hidden values, options, named buttons, typed-in text)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": {},
            }
            self.forms.append(self._form)
            return
        if tag == "option" and self._select is not None:
            if attrs.get("value"):
                self._select.append(attrs["value"])
            return
        name = attrs.get("name")
        if self._form is None or not name or name == "csrfmiddlewaretoken":
            return
        values = self._form["fields"].setdefault(name, [])
        if tag in ("input", "button") and attrs.get("value"):
            values.append(attrs["value"])
        elif tag == "select":
            self._select = values
        elif tag == "textarea":
            self._textarea = values

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, text):
        if self._textarea is not None and text.strip():
            self._textarea.append(text.strip())


def _learn_forms(urls, clients, problems) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(method, path) -> field name -> values, from every page as each signed-in person sees
    it: what the browser would send there, to mutate instead of guessing."""
    learned: dict[tuple[str, str], dict[str, list[str]]] = {}
    for url in urls:
        for role, client in clients.items():
            if role == "anon":
                continue
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"{response.status_code} for {role} GET {url}")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = _FormParser()
            parser.feed(response.content.decode())
            for form in parser.forms:
                path = urlsplit(urljoin(url, form["action"])).path
                fields = learned.setdefault((form["method"].upper(), path), {})
                for name, values in form["fields"].items():
                    fields.setdefault(name, [])
                    fields[name].extend(v for v in values if v not in fields[name])
    return learned


def _value(name, offered, rng, data):
    """Mostly what the page offers for the field, else what a user could type there."""
    if offered and rng.random() < 0.8:
        return rng.choice(offered)
    return _plausible(name, rng, data)


def _mutated(baseline: dict, rng: random.Random) -> dict:
    """The baseline with up to three fields hostile, and now and then one missing or doubled."""
    payload = dict(baseline)
    names = sorted(payload)
    for name in rng.sample(names, min(len(names), rng.choice([0, 1, 1, 2, 3]))):
        payload[name] = rng.choice(HOSTILE)
    if names and rng.random() < 0.2:
        payload.pop(rng.choice(names), None)
    if names and rng.random() < 0.2:
        name = rng.choice(names)
        first = payload.get(name, "")
        payload[name] = [first if isinstance(first, str) else str(first), rng.choice(HOSTILE)]
    return payload


def _post_data(rng, data, fields: dict[str, list[str]] | None, field_names):
    if not fields:  # no page shows a form for this URL: every name any form has
        fields = {name: [] for name in field_names}
    return _mutated({name: _value(name, fields[name], rng, data) for name in fields}, rng)


def _query(rng, data, fields: dict[str, list[str]] | None):
    if fields:
        baseline = {name: _value(name, values, rng, data) for name, values in fields.items()}
    else:
        names = rng.sample(QUERY_NAMES, rng.randint(1, 4))
        baseline = {name: _plausible(name, rng, data) for name in names}
    return _mutated(baseline, rng)


# Columns that a page's GET writes on purpose, left out of the snapshot's checksums.
VISIT_COLUMNS = ("my_work_seen_at",)


def _snapshot() -> dict[str, tuple]:
    """Row count and a checksum of the rows of every table the apps and accounts write."""
    tables = sorted(
        name
        for name in connection.introspection.table_names()
        if name.startswith(("planbridge_", "goals_", "meetings_", "reviews_", "auth_"))
    )
    # A row as text, without the columns a visit is meant to move: opening My work records
    # when the user last looked (docs/architecture.md "My work"), the one write of a GET.
    row = "md5((to_jsonb(t) - " + " - ".join(f"'{c}'" for c in VISIT_COLUMNS) + ")::text)"
    sql = " UNION ALL ".join(
        f"SELECT '{table}', count(*), "
        f"coalesce(md5(string_agg({row}, '' ORDER BY {row})), '') "
        f'FROM "{table}" t'
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {table: (count, checksum) for table, count, checksum in cursor.fetchall()}


def _refused(method: str, response) -> bool:
    """A request that was not carried out: an error status, a re-rendered form, a redirect
    to the login page, or a redirect carrying an error message."""
    if 400 <= response.status_code < 500:
        return True
    if method == "GET":
        return True  # a GET never changes anything, whatever it answers
    if response.status_code == 200:
        return True  # a POST answered with its form again
    if response.status_code in (301, 302, 303):
        if response["Location"].startswith(reverse("login")):
            return True
        return any(message.level >= ERROR for message in get_messages(response.wsgi_request))
    return False


def _clear_messages(client):
    # Messages a redirect left for the next page would otherwise be read as the next
    # request's own (the answered request keeps its own in response.wsgi_request).
    client.cookies.pop("messages", None)
    session = client.session
    if "_messages" in session:
        del session["_messages"]
        session.save()


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 120 else text[:60] + f"…({len(text)} chars)"


@pytest.fixture
def people(
    pm,
    dev_coordinator,
    marketing_coordinator,
    sales_coordinator,
    sales_member,
    dev_member,
):
    return {
        "pm": pm,
        "dev": dev_coordinator,
        "marketing": marketing_coordinator,
        "sales": sales_coordinator,
        "sales_member": sales_member,
        "dev_member": dev_member,
    }


def test_hostile_input_never_gives_a_server_error_and_a_refusal_saves_nothing(people, departments):
    data = _dataset(people, departments)
    urls = _urls(data)
    field_names = _form_field_names()
    clients = {"anon": Client(raise_request_exception=False)}
    for role, user in people.items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    problems, sent, writes = [], 0, 0
    learned = _learn_forms(urls, clients, problems)
    rng = random.Random(SEED)
    for url in urls:
        for method, count in REQUESTS_PER_URL.items():
            fields = learned.get((method, urlsplit(url).path))
            for _ in range(count):
                role = rng.choice(sorted(clients))
                client = clients[role]
                if method == "POST":
                    payload, query = _post_data(rng, data, fields, field_names), None
                else:
                    payload, query = None, _query(rng, data, fields)
                before = _snapshot()
                send = client.post if method == "POST" else client.get
                response = send(url, payload if method == "POST" else query)
                _clear_messages(client)
                sent += 1
                what = f"{role} {method} {url} {_short(payload or query)}"
                if response.status_code >= 500:
                    error = response.exc_info[1] if response.exc_info else None
                    problems.append(f"{response.status_code} for {what}: {error!r}"[:600])
                    continue
                after = _snapshot()
                changed = sorted(table for table in after if after[table] != before[table])
                writes += bool(changed)
                if changed and _refused(method, response):
                    problems.append(f"refused ({response.status_code}) but wrote {changed}: {what}")
    assert sent == sum(REQUESTS_PER_URL.values()) * len(urls)
    # Some requests were carried out and the snapshot saw what they wrote, so an unchanged
    # snapshot after a refusal means something.
    assert writes >= 5
    # The forms were found: most POSTs send what a page offers, not guesses.
    assert len([key for key in learned if key[0] == "POST"]) >= 25
    assert not problems, f"{len(problems)} of {sent} requests:\n" + "\n".join(problems)
