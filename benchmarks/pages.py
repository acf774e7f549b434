"""Page benchmark: every page of the product, as a PM and as a coordinator, at the target size
of one deployment (/work/shared/DESIGN.md "Scale"; README "Page benchmark").

For each scale it builds, in a PostgreSQL database of its own and with generate_series SQL,
a company's data: 200 departments, 2,000 users, 50,000 plan items (one plan of 4,800) with
~23,700 dependencies, 3,000 goals with 24,000 check-ins, ~100,000 weekly updates, 20,000 asks,
2,000 meetings with their action items, 2,000 reviews with 200,000 findings (carried,
proposed, dismissed, flagged or waiting, as in a real company), notifications and robots
(`--scale` multiplies every count). It then prints, for every page:

* queries and HTML bytes, measured in-process with Django's test client and
  CaptureQueriesContext against the same database (DEBUG off);
* p50 and p95 in ms at 1 and at 8 concurrent clients, measured through gunicorn (2 sync
  workers, DEBUG=0) on 127.0.0.1 with a bounded load loop (`--requests` per page and
  concurrency, cut short after `--page-seconds`);

next to the limits DESIGN sets (p95 <= 150 ms at one client, <= 15 queries, <= 200 KB of
HTML); a `!` marks a figure over its limit. By default it runs the target size and the 10x
smaller one and adds a growth column (p50 at the full size / p50 at the small one).

Not a test (pytest collects tests/ only). Run from the project root:

    .venv/bin/python benchmarks/pages.py [--scale 1.0 --scale 0.1] [--requests 30]
        [--only PATTERN] [--keep] [--database pb_bench_pages]

BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432) names the server; each scale
gets the database <database>_<scale>, created afresh and dropped at the end unless --keep.
The PM logs in as bench_pm, the coordinator as bench_coordinator, both with the password
"bench-password-1" (kept databases can be browsed with them).
"""

import argparse
import fnmatch
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.databases import drop_database, recreate_database  # noqa: E402

PASSWORD = "bench-password-1"
LIMIT_P95_MS = 150
LIMIT_QUERIES = 15
LIMIT_HTML_BYTES = 200 * 1024
WORKERS = 2
CONCURRENCIES = (1, 8)
WEEKS = 100  # weekly updates go back 100 weeks: 5 a department and week
FINDINGS_PER_REVIEW = 100
CHECKINS_PER_GOAL = 8
NOTIFICATIONS_PER_USER = 20

ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-not-a-secret",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "HTTPS": "0",
    # Without collectstatic there is no manifest; the pages then name unhashed files.
    "STATIC_MANIFEST": "0",
    "LOG_LEVEL": "WARNING",
    "CELERY_BROKER_URL": "memory://",
    "CELERY_TASK_ALWAYS_EAGER": "1",
    "EMAIL_URL": "memorymail://",
}


@dataclass
class Sizes:
    scale: float
    departments: int
    users: int
    pms: int
    plans: int
    items: int
    largest: int
    goals: int
    objectives: int
    asks: int
    meetings: int
    reviews: int

    @classmethod
    def of(cls, scale: float) -> "Sizes":
        def n(full: int, least: int) -> int:
            return max(least, round(full * scale))

        departments = n(200, 10)
        return cls(
            scale=scale,
            departments=departments,
            users=max(10 * departments, n(2_000, 100)),
            pms=n(20, 2),
            plans=n(100, 6),
            items=n(50_000, 2_000),
            largest=n(4_800, 200),
            goals=max(2 * departments, n(3_000, 150)),
            objectives=n(120, 8),
            asks=n(20_000, 500),
            meetings=n(2_000, 100),
            reviews=n(2_000, 100),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        action="append",
        help="size relative to the target (1.0); repeat for several; default 1.0 and 0.1",
    )
    parser.add_argument("--requests", type=int, default=30, help="per page and concurrency")
    parser.add_argument(
        "--page-seconds",
        type=float,
        default=10.0,
        help="stop a page's load loop after this long (at least 5 requests are made)",
    )
    parser.add_argument(
        "--only", help="only pages whose name or URL matches (fnmatch, or a substring)"
    )
    parser.add_argument("--database", default="pb_bench_pages")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    scales = sorted(set(args.scale or [0.1, 1.0]))

    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    names = {scale: f"{args.database}_{_tag(scale)}" for scale in scales}
    var_dir = tempfile.mkdtemp(prefix="planbridge-bench-")
    os.environ.update(ENV)
    os.environ["PLANBRIDGE_VAR_DIR"] = var_dir
    # WhiteNoise warns on every process start without it.
    Path(var_dir, "staticfiles").mkdir()
    os.environ["DATABASE_URL"] = f"{server.rstrip('/')}/{names[scales[0]]}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planbridge.settings")
    recreate_database(server, names[scales[0]])

    import django

    django.setup()
    import logging

    # The pages a role may not open are measured too; their 403s are not news.
    logging.getLogger("django.request").setLevel(logging.ERROR)

    results: dict[float, list[Result]] = {}
    try:
        for scale in scales:
            results[scale] = _run_scale(server, names[scale], Sizes.of(scale), args)
            _print_report(results, args, final=False)
    finally:
        from django.db import connection

        connection.close()
        if not args.keep:
            for name in names.values():
                drop_database(server, name)
        shutil.rmtree(var_dir, ignore_errors=True)
    print("\n=== all scales ===")
    _print_report(results, args)


def _tag(scale: float) -> str:
    return re.sub(r"[^0-9]", "_", f"{scale:g}")


# --- the database ---------------------------------------------------------------------------


def _use_database(server: str, name: str) -> None:
    from django.db import connection

    connection.close()
    recreate_database(server, name)
    connection.settings_dict["NAME"] = name
    os.environ["DATABASE_URL"] = f"{server.rstrip('/')}/{name}"


# Row ids are given explicitly (index + 1), so that every table's rows can point at each other
# by arithmetic; the sequences are moved past them at the end. Users: index 0 is bench_pm,
# index 1 bench_coordinator; user u belongs to department u % D, the first two of each
# department (u < 2 D) coordinate it; the last PMS - 1 users are PMs as well (plus bench_pm).
BUILD = """
INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email,
                       is_staff, is_active, date_joined)
SELECT u + 1, '!', false,
       CASE u WHEN 0 THEN 'bench_pm' WHEN 1 THEN 'bench_coordinator' ELSE 'user' || u END,
       (ARRAY['Wei','Li','Anna','Jun','Mei','Tom','Lin','Sara','Hao','Yan'])[1 + u %% 10],
       'Person ' || u, 'user' || u || '@example.test', false, true,
       now() - interval '700 days'
FROM generate_series(0, %(users)s - 1) u;

INSERT INTO auth_group (name) VALUES ('pm') ON CONFLICT (name) DO NOTHING;

INSERT INTO auth_user_groups (user_id, group_id)
SELECT u + 1, (SELECT id FROM auth_group WHERE name = 'pm')
FROM generate_series(0, %(users)s - 1) u
WHERE u = 0 OR u > %(users)s - %(pms)s;

INSERT INTO planbridge_profile (user_id, language, digest_opt_out)
SELECT id, CASE WHEN id %% 10 = 5 THEN 'zh-hans' ELSE 'en' END, false FROM auth_user;

INSERT INTO planbridge_department (id, name, slug)
SELECT d + 1, 'Department ' || lpad(d::text, 3, '0'), 'department-' || d
FROM generate_series(0, %(departments)s - 1) d;

INSERT INTO planbridge_membership (user_id, department_id, role)
SELECT u + 1, u %% %(departments)s + 1,
       CASE WHEN u < 2 * %(departments)s THEN 'coordinator' ELSE 'member' END
FROM generate_series(1, %(users)s - 1) u;

-- Plan p starts p %% 7 months after the first month (18 months ago) and runs 12 + p %% 7
-- months; plan 0, the largest, runs 24 months. Some old plans are archived.
INSERT INTO planbridge_plan (id, title, background, start, "end", owner_id,
                             communication_mechanism, review_cadence, created_at, archived_at)
SELECT p + 1,
       CASE p WHEN 0 THEN 'Company operating plan' ELSE 'Initiative ' || p || ': '
            || (ARRAY['supplier onboarding','customer portal','cost review','data platform',
                      'new market launch','quality programme','hiring drive'])[1 + p %% 7] END,
       repeat('Why this plan exists and what it should change. ', 4),
       s.start, s.start + (s.months * interval '1 month') - interval '1 day',
       CASE WHEN p %% 3 = 0 THEN 1 ELSE %(users)s - (p %% (%(pms)s - 1)) END,
       'Weekly meeting on Wednesday; chat group for blockers.', 'Monthly review.',
       s.start - interval '14 days',
       CASE WHEN p %% 10 = 9 AND s.start + s.months * interval '1 month' < %(today)s
            THEN now() - interval '20 days' END
FROM generate_series(0, %(plans)s - 1) p,
     LATERAL (SELECT %(first_month)s::date + (p %% 7) * interval '1 month' AS start,
                     CASE p WHEN 0 THEN 24 ELSE 12 + p %% 7 END AS months) s;

INSERT INTO planbridge_plan_team (plan_id, user_id)
SELECT p + 1, (p * 10 + j) %% %(users)s + 1
FROM generate_series(0, %(plans)s - 1) p, generate_series(0, 9) j;

INSERT INTO goals_objective (id, title, description, quarter, plan_id, owner_id, created_at)
SELECT o + 1, 'Objective ' || o || ': grow what matters', 'What success looks like.',
       date_trunc('quarter', %(first_month)s::date)::date + (o %% 8) * interval '3 months',
       CASE WHEN o %% 4 = 3 THEN NULL ELSE o %% %(plans)s + 1 END, 1, now() - interval '500 days'
FROM generate_series(0, %(objectives)s - 1) o;

-- Goal g: department g %% D, owned by its first coordinator, in plan g %% P (a fifth have no
-- plan), aligned to an objective (a quarter are not).
INSERT INTO goals_goal (id, title, description, metric, unit, baseline, target, direction,
                        start, due, owner_id, department_id, objective_id, plan_id, version,
                        created_at, updated_at)
SELECT g + 1, 'Raise on-time delivery of team ' || g, 'Measured each month.',
       CASE WHEN g %% 6 = 5 THEN '' ELSE 'on-time delivery' END, '%%', 50, 90, 'up',
       s.start, CASE WHEN g %% 9 = 8 THEN NULL ELSE s.start + interval '12 months' END,
       CASE WHEN g %% %(departments)s = 0 THEN %(departments)s + 1
            ELSE g %% %(departments)s + 1 END,
       g %% %(departments)s + 1,
       CASE WHEN g %% 4 = 3 THEN NULL ELSE g %% %(objectives)s + 1 END,
       CASE WHEN g %% 5 = 4 THEN NULL ELSE g %% %(plans)s + 1 END,
       1, s.start, now()
FROM generate_series(0, %(goals)s - 1) g,
     LATERAL (SELECT %(first_month)s::date + (g %% 12) * interval '1 month' AS start) s;

INSERT INTO goals_checkin (goal_id, date, value, confidence, note, author_id, created_at)
SELECT g.id, d.day, 50 + k * 4 + g.id %% 7, 1 + (g.id + k * 3) %% 10,
       CASE WHEN k %% 2 = 0 THEN 'On track; the supplier answered late.' ELSE '' END,
       g.owner_id, d.day
FROM goals_goal g, generate_series(0, %(checkins)s - 1) k,
     LATERAL (SELECT LEAST(g.start + k * 40, %(today)s::date) AS day) d;

-- Item i: the first LARGEST items are plan 0's, one in twelve of the rest has no plan, the
-- others are spread over the other plans; department i %% D, owned by one of its people,
-- in a month of its plan; a third serve a goal of their department.
INSERT INTO goals_planitem (id, plan_id, department_id, month, title, description, owner_id,
                            start, due, status, goal_id, version, created_at, updated_at)
SELECT i + 1, x.plan + 1, i %% %(departments)s + 1, x.month,
       (ARRAY['Prepare','Deliver','Review','Launch','Migrate','Train team on'])[1 + i %% 6]
           || ' work package ' || i,
       CASE WHEN i %% 4 = 0 THEN repeat('Scope, owners and acceptance criteria. ', 3)
            ELSE '' END,
       CASE WHEN i %% 7 = 6 THEN NULL
            ELSE i %% %(departments)s + %(departments)s
                 * ((i / %(departments)s) %% (%(users)s / %(departments)s)) + 1 END,
       x.month + (i %% 3) * 5,
       (x.month + interval '1 month' - interval '1 day')::date - (i %% 2) * 5,
       CASE WHEN x.month < %(this_month)s THEN
                (ARRAY['done','done','done','done','done','done','done','done','done',
                       'done','done','done','done','done','in_progress','in_progress',
                       'blocked','dropped','done','in_progress'])[1 + i %% 20]
            WHEN x.month = %(this_month)s THEN
                (ARRAY['in_progress','in_progress','planned','blocked','done'])[1 + i %% 5]
            ELSE 'planned' END,
       CASE WHEN i %% 3 = 0 THEN i %% %(departments)s + %(departments)s
            * ((i / %(departments)s) %% (%(goals)s / %(departments)s)) + 1 END,
       1, x.month - interval '20 days', now() - (i %% 90) * interval '1 day'
FROM generate_series(0, %(items)s - 1) i,
     LATERAL (SELECT CASE WHEN i < %(largest)s THEN 0 WHEN i %% 12 = 5 THEN NULL
                          ELSE 1 + i %% (%(plans)s - 1) END AS plan) p,
     LATERAL (SELECT p.plan,
                     (%(first_month)s::date + (COALESCE(p.plan, 0) %% 7
                      + (i / %(departments)s)
                        %% CASE WHEN p.plan IS NULL OR p.plan = 0 THEN 24
                                ELSE 12 + p.plan %% 7 END) * interval '1 month')::date
                     AS month) x;

-- 9 items in 19 depend on an earlier item (one to three before it) of the same plan.
INSERT INTO goals_planitem_depends_on (from_planitem_id, to_planitem_id)
SELECT a.id, b.id
FROM (SELECT id, plan_id, row_number() OVER (PARTITION BY plan_id ORDER BY id) AS rn
      FROM goals_planitem WHERE plan_id IS NOT NULL) a
JOIN (SELECT id, plan_id, row_number() OVER (PARTITION BY plan_id ORDER BY id) AS rn
      FROM goals_planitem WHERE plan_id IS NOT NULL) b
  ON b.plan_id = a.plan_id AND b.rn = a.rn - 1 - a.rn %% 3
WHERE a.rn %% 19 < 9;

-- Five updates a department and week (one without plan, four for plans) for 100 weeks; a
-- third of the departments have not written this week's yet.
INSERT INTO meetings_weeklyupdate (department_id, week, plan_id, progress, next_week,
                                   problems, author_id, version, submitted_at, updated_at)
SELECT d + 1, %(this_week)s::date - w * 7,
       CASE WHEN k = 0 THEN NULL ELSE (d + k) %% %(plans)s + 1 END,
       'Finished the supplier review and sent the draft contract to legal. '
           || 'Two of three test runs passed.',
       'Close the contract, start the pilot with the first region.',
       CASE WHEN (d + w + k) %% 5 = 0 THEN 'Waiting for the data export from IT.' ELSE '' END,
       d + %(departments)s + 1, 1,
       %(this_week)s::date - w * 7 + interval '4 days 17 hours',
       %(this_week)s::date - w * 7 + interval '4 days 17 hours'
FROM generate_series(0, %(departments)s - 1) d, generate_series(0, %(weeks)s - 1) w,
     generate_series(0, 4) k
WHERE NOT (w = 0 AND d %% 3 = 0);

INSERT INTO meetings_ask (from_department_id, to_department_id, plan_id, plan_item_id,
                          what, why, needed_by, state, reply, created_by_id, answered_by_id,
                          created_at, answered_at, done_at)
SELECT f + 1, (f + 1 + (a / %(departments)s) %% (%(departments)s - 1)) %% %(departments)s + 1,
       CASE WHEN a %% 4 = 3 THEN NULL ELSE a %% %(plans)s + 1 END,
       CASE WHEN a %% 5 = 0 THEN (a * 7) %% %(items)s + 1 END,
       'Please send the figures for work package ' || a, 'We need them for the plan.',
       n.needed_by, s.state,
       CASE s.state WHEN 'declined' THEN 'Not this quarter, sorry.'
                    WHEN 'open' THEN '' ELSE 'Will do.' END,
       f + 1, CASE WHEN s.state <> 'open'
                   THEN (f + 1 + (a / %(departments)s) %% (%(departments)s - 1))
                        %% %(departments)s + 1 END,
       n.needed_by - interval '14 days',
       CASE WHEN s.state <> 'open' THEN n.needed_by - interval '10 days' END,
       CASE WHEN s.state = 'done' THEN n.needed_by - interval '2 days' END
FROM generate_series(0, %(asks)s - 1) a,
     LATERAL (SELECT a %% %(departments)s AS f) fd(f),
     LATERAL (SELECT (%(today)s::date - 380 + a %% 410) AS needed_by) n,
     LATERAL (SELECT CASE WHEN n.needed_by > %(today)s::date - 30 AND a %% 3 = 0 THEN 'open'
                          ELSE (ARRAY['open','accepted','accepted','declined','done','done',
                                      'done','done','accepted','done'])[1 + a %% 10] END
                     AS state) s;

-- Meeting n: plan n %% (P + 1) (P: the company-wide meeting), week back n / (P + 1) from
-- next week.
INSERT INTO meetings_meeting (id, plan_id, date, start_time, end_time, place, link, sequence,
                              updated_at, week, facilitator_id, notes, created_at)
SELECT n + 1, CASE WHEN k = %(plans)s THEN NULL ELSE k + 1 END, w.week + 2, '10:00', '11:00',
       'Room ' || (k %% 9 + 1), CASE WHEN k %% 2 = 0 THEN 'https://meet.example.test/' || n
                                     ELSE '' END,
       0, now(), w.week, 1,
       CASE WHEN w.week < %(this_week)s THEN 'Agreed the next steps; see the actions.' ELSE '' END,
       w.week - interval '7 days'
FROM generate_series(0, %(meetings)s - 1) n,
     LATERAL (SELECT n %% (%(plans)s + 1) AS k) kk,
     LATERAL (SELECT %(this_week)s::date + 7 - (n / (%(plans)s + 1)) * 7 AS week) w;

INSERT INTO meetings_meeting_attendees (meeting_id, user_id)
SELECT n + 1, (n * 6 + j) %% %(users)s + 1
FROM generate_series(0, %(meetings)s - 1) n, generate_series(0, 5) j;

INSERT INTO meetings_actionitem (meeting_id, title, owner_id, department_id, due, status,
                                 created_at, done_at)
SELECT m.id, 'Follow up on item ' || a, o.u + 1, o.u %% %(departments)s + 1, m.date + 14,
       CASE WHEN m.date + 14 < %(today)s::date - 7 AND a %% 4 <> 0 THEN 'done' ELSE 'open' END,
       m.date,
       CASE WHEN m.date + 14 < %(today)s::date - 7 AND a %% 4 <> 0 THEN m.date + 10 END
FROM generate_series(0, 3 * %(meetings)s - 1) a
JOIN meetings_meeting m ON m.id = a / 3 + 1,
     LATERAL (SELECT 1 + (a * 37) %% (%(users)s - 1) AS u) o;

-- Review n: plan n %% (P + 1) (P: company-wide), month back n / (P + 1) from this one. This
-- month's are open (or drafts); earlier ones are closed.
INSERT INTO reviews_review (id, month, plan_id, facilitator_id, status, opened_at, closed_at,
                            created_at)
SELECT n + 1, m.month, CASE WHEN k = %(plans)s THEN NULL ELSE k + 1 END,
       CASE WHEN k %% 2 = 0 THEN 1 ELSE %(users)s - k %% (%(pms)s - 1) END,
       CASE WHEN m.month < %(this_month)s THEN 'closed'
            WHEN k %% 2 = 0 THEN 'open' ELSE 'draft' END,
       CASE WHEN m.month < %(this_month)s OR k %% 2 = 0 THEN m.month + interval '1 day' END,
       CASE WHEN m.month < %(this_month)s
            THEN LEAST(m.month + interval '1 month 3 days', now() - interval '1 day') END,
       m.month
FROM generate_series(0, %(reviews)s - 1) n,
     LATERAL (SELECT n %% (%(plans)s + 1) AS k) kk,
     LATERAL (SELECT (%(this_month)s::date - (n / (%(plans)s + 1)) * interval '1 month')::date
                     AS month) m;

-- Finding f: review f %% R, its j = f / R-th; owned by department (3 r + j) %% D. In closed
-- reviews, by j %% 20: 0-1 dismissed, 2 proposed as a new item of another department, 3
-- proposed into an existing item (not yet accepted), 4-5 left alone, 6-19 carried.
INSERT INTO reviews_finding (id, review_id, kind, title, detail, department_id, severity,
                             evidence_kind, evidence_object_id, created_by_id, created_at,
                             dismissed_at, dismissed_by_id, dismissal_reason)
SELECT f + 1, r.id,
       (ARRAY['problem','problem','lesson','success','risk'])[1 + j %% 5],
       (ARRAY['Supplier answered late','Test environment unavailable',
              'Hand-over between teams unclear','Pilot exceeded its target',
              'Budget approval slow'])[1 + (f / 3) %% 5] || ' (' || f || ')',
       CASE WHEN j %% 3 = 0 THEN repeat('What happened and what it cost. ', 3) ELSE '' END,
       (3 * (f %% %(reviews)s) + j) %% %(departments)s + 1,
       (ARRAY['low','medium','medium','high'])[1 + j %% 4],
       CASE WHEN j %% 10 = 7 THEN 'plan_item' ELSE '' END,
       CASE WHEN j %% 10 = 7 THEN (f * 11) %% %(items)s + 1 END,
       r.facilitator_id, r.month + interval '25 days',
       CASE WHEN r.status = 'closed' AND j %% 20 < 2 THEN r.closed_at + interval '2 days' END,
       CASE WHEN r.status = 'closed' AND j %% 20 < 2 THEN 1 END,
       CASE WHEN r.status = 'closed' AND j %% 20 < 2 THEN 'Outside our remit; handled by IT.'
            ELSE '' END
FROM generate_series(0, %(findings)s - 1) f
JOIN reviews_review r ON r.id = f %% %(reviews)s + 1,
     LATERAL (SELECT f / %(reviews)s AS j) jj;

-- Carried into (or proposed for) an item of the finding's own department.
INSERT INTO reviews_carryover (finding_id, plan_item_id, created_by_id, created_at,
                               accepted_by_id, accepted_at)
SELECT fi.id,
       (fi.department_id - 1) + %(departments)s
           * ((fi.id / 7) %% (%(items)s / %(departments)s)) + 1,
       fi.department_id + %(departments)s, r.closed_at - interval '2 days',
       CASE WHEN (fi.id - 1) / %(reviews)s %% 20 >= 6 THEN fi.department_id + %(departments)s END,
       CASE WHEN (fi.id - 1) / %(reviews)s %% 20 >= 6 THEN r.closed_at - interval '1 day' END
FROM reviews_finding fi JOIN reviews_review r ON r.id = fi.review_id
WHERE r.status = 'closed' AND (fi.id - 1) / %(reviews)s %% 20 = 3
   OR r.status = 'closed' AND (fi.id - 1) / %(reviews)s %% 20 >= 6;

INSERT INTO reviews_carryproposal (finding_id, department_id, month, title, description,
                                   proposed_by_id, created_at)
SELECT fi.id, fi.department_id %% %(departments)s + 1, %(this_month)s::date,
       'Fix: ' || fi.title, 'Proposed from the review.',
       fi.department_id + %(departments)s, r.closed_at
FROM reviews_finding fi JOIN reviews_review r ON r.id = fi.review_id
WHERE r.status = 'closed' AND (fi.id - 1) / %(reviews)s %% 20 = 2;

-- What the flag job would have flagged: undisposed findings of reviews closed more than the
-- grace period ago.
UPDATE reviews_finding fi SET flagged_at = r.closed_at + interval '8 days'
FROM reviews_review r
WHERE r.id = fi.review_id AND r.status = 'closed' AND fi.dismissed_at IS NULL
  AND r.closed_at <= now() - interval '7 days'
  AND NOT EXISTS (SELECT 1 FROM reviews_carryover c
                  WHERE c.finding_id = fi.id AND c.accepted_at IS NOT NULL);

INSERT INTO planbridge_notification (recipient_id, kind, actor_id, app_label, object_id, url,
                                     title, department_name, delivery, created_at, read_at,
                                     emailed_at)
SELECT x.recipient, 'finding_flagged', 1, 'reviews', x.finding,
       '/reviews/findings/' || x.finding || '/', 'Supplier answered late (' || x.finding || ')',
       'Department 001', 'digest', now() - x.k * interval '13 hours',
       CASE WHEN x.k >= 5 THEN now() - x.k * interval '12 hours' END,
       CASE WHEN x.k >= 5 THEN now() - x.k * interval '12 hours' END
FROM (SELECT n %% %(users)s + 1 AS recipient, n / %(users)s AS k,
             (n * 17) %% %(findings)s + 1 AS finding
      FROM generate_series(0, %(users)s * %(notifications)s - 1) n
      UNION ALL
      SELECT 1 + n %% 2, %(notifications)s + n / 2, (n * 13) %% %(findings)s + 1
      FROM generate_series(0, 399) n) x;

INSERT INTO planbridge_chatrobot (department_id, plan_id, kind, url, secret, language, posts,
                                  created_by_id, created_at, last_error, recent_posts)
VALUES (2, NULL, 'wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=bench0001',
        '', 'zh-hans', '["digest", "agenda"]', 2, now(), '', '[]'),
       (NULL, 1, 'slack', 'https://hooks.slack.com/services/T000/B000/bench0002', '', 'en',
        '["reviews"]', 1, now(), '', '[]')
"""

SEQUENCED = [
    "auth_user",
    "planbridge_department",
    "planbridge_plan",
    "goals_objective",
    "goals_goal",
    "goals_planitem",
    "meetings_meeting",
    "reviews_review",
    "reviews_finding",
]


def _build(connection, sizes: Sizes) -> dict[str, int]:
    from django.utils import timezone

    from planbridge.periods import add_months, month_start, week_start

    today = timezone.localdate()
    this_month = month_start(today)
    params = {
        "departments": sizes.departments,
        "users": sizes.users,
        "pms": sizes.pms,
        "plans": sizes.plans,
        "items": sizes.items,
        "largest": sizes.largest,
        "goals": sizes.goals,
        "objectives": sizes.objectives,
        "checkins": CHECKINS_PER_GOAL,
        "weeks": WEEKS,
        "asks": sizes.asks,
        "meetings": sizes.meetings,
        "reviews": sizes.reviews,
        "findings": sizes.reviews * FINDINGS_PER_REVIEW,
        "notifications": NOTIFICATIONS_PER_USER,
        "today": today,
        "this_week": week_start(today),
        "this_month": this_month,
        "first_month": add_months(this_month, -18),
    }
    steps: dict[str, float] = {}
    with connection.cursor() as cursor:
        for statement in BUILD.split(";\n\n"):
            if statement.strip():
                started = time.perf_counter()
                cursor.execute(statement, params)
                target = re.search(r"^(INSERT INTO|UPDATE) (\w+)", statement, re.M)
                steps[target.group(2) if target else "?"] = time.perf_counter() - started
        for table in SEQUENCED:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        steps["VACUUM ANALYZE"] = time.perf_counter() - started
        slowest = sorted(steps.items(), key=lambda step: -step[1])[:5]
        print("slowest build steps:", ", ".join(f"{name} {t:.1f} s" for name, t in slowest))
        counts = {}
        for label, table in [
            ("departments", "planbridge_department"),
            ("users", "auth_user"),
            ("plans", "planbridge_plan"),
            ("plan items", "goals_planitem"),
            ("dependencies", "goals_planitem_depends_on"),
            ("goals", "goals_goal"),
            ("check-ins", "goals_checkin"),
            ("weekly updates", "meetings_weeklyupdate"),
            ("asks", "meetings_ask"),
            ("meetings", "meetings_meeting"),
            ("action items", "meetings_actionitem"),
            ("reviews", "reviews_review"),
            ("findings", "reviews_finding"),
            ("carryovers", "reviews_carryover"),
            ("proposals", "reviews_carryproposal"),
            ("notifications", "planbridge_notification"),
        ]:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[label] = cursor.fetchone()[0]
        for label, where in [
            ("dismissed", "dismissed_at IS NOT NULL"),
            ("flagged", "flagged_at IS NOT NULL"),
        ]:
            cursor.execute(f"SELECT count(*) FROM reviews_finding WHERE {where}")
            counts[label] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM goals_planitem WHERE plan_id = 1")
        counts["largest plan's items"] = cursor.fetchone()[0]
    return counts


def _set_passwords() -> None:
    from django.contrib.auth.models import User

    for user in User.objects.filter(username__in=["bench_pm", "bench_coordinator"]):
        user.set_password(PASSWORD)
        user.save()


# --- the pages ------------------------------------------------------------------------------


def _pages(sizes: Sizes) -> list[tuple[str, str]]:
    """(name, URL) of every page a PM or a coordinator can open, with ids from the data: the
    largest plan, the coordinator's department, this week's company-wide meeting, the busiest
    closed review, a flagged finding of the coordinator's department."""
    from django.db.models import Count, Q

    from goals.models import Goal, Objective, PlanItem
    from meetings.models import Ask, Meeting, WeeklyUpdate
    from planbridge.models import ChatRobot, Department, Membership
    from planbridge.periods import today, week_start
    from reviews.models import Finding, Review

    plan = 1  # the largest plan (ids are given by the build)
    department = (
        Membership.objects.filter(user__username="bench_coordinator", role="coordinator")
        .values_list("department_id", flat=True)
        .first()
    )
    slug = Department.objects.get(pk=department).slug
    item = PlanItem.objects.filter(plan_id=plan, department_id=department).order_by("pk").first()
    goal = Goal.objects.filter(department_id=department).order_by("pk").first()
    objective = Objective.objects.order_by("pk").first()
    update = (
        WeeklyUpdate.objects.filter(department_id=department, week=week_start(today()))
        .order_by("pk")
        .first()
        or WeeklyUpdate.objects.filter(department_id=department).order_by("-week").first()
    )
    ask = Ask.objects.filter(to_department_id=department, state="open").order_by("pk").first()
    meeting = Meeting.objects.filter(plan__isnull=True, week=week_start(today())).first()
    review = (
        Review.objects.filter(status="closed")
        .annotate(n=Count("findings", filter=Q(findings__flagged_at__isnull=False)))
        .order_by("-n", "-month", "pk")
        .first()
    )
    finding = (
        Finding.objects.filter(department_id=department, flagged_at__isnull=False)
        .order_by("-review__month", "pk")
        .first()
    )
    robot = ChatRobot.objects.filter(department_id=department).first()
    month = today().strftime("%Y-%m")
    return [
        ("home", "/"),
        ("my work", "/me/"),
        ("dashboard", "/bridge/"),
        ("dashboard, largest plan", f"/bridge/?plan={plan}"),
        ("dashboard detail goals", f"/bridge/goals/?department={department}"),
        ("dashboard detail conflicts", f"/bridge/conflicts/?department={department}"),
        ("dashboard detail asks", f"/bridge/asks/?department={department}"),
        ("dashboard detail updates", f"/bridge/updates/?department={department}"),
        ("trace objective", f"/trace/objective/{objective.pk}/"),
        ("trace goal", f"/trace/goal/{goal.pk}/"),
        ("trace item", f"/trace/item/{item.pk}/"),
        ("trace finding", f"/trace/finding/{finding.pk}/"),
        ("profile", "/profile/"),
        ("password change", "/password/"),
        ("notifications", "/notifications/"),
        ("notification settings", "/notifications/settings/"),
        ("login lockouts", "/logins/locked/"),
        ("plans", "/plans/"),
        ("plans, archived", "/plans/?archived=1"),
        ("plan new", "/plans/new/"),
        ("plan detail (largest)", f"/plans/{plan}/"),
        ("plan edit (largest)", f"/plans/{plan}/edit/"),
        ("plan document (largest)", f"/plans/{plan}/document/"),
        ("plan document .md (largest)", f"/plans/{plan}/document.md"),
        ("plan items .csv (largest)", f"/plans/{plan}/items.csv"),
        ("robots", "/robots/"),
        ("robots of department", f"/robots/department/{slug}/"),
        ("robots of plan", f"/robots/plan/{plan}/"),
        ("robot edit", f"/robots/{robot.pk}/edit/"),
        ("goals", "/goals/"),
        ("goals, department", f"/goals/?department={department}"),
        ("goal new", "/goals/new/"),
        ("goal detail", f"/goals/{goal.pk}/"),
        ("goal edit", f"/goals/{goal.pk}/edit/"),
        ("objectives", "/goals/objectives/"),
        ("objective edit", f"/goals/objectives/{objective.pk}/edit/"),
        ("alignment", "/goals/alignment/"),
        ("alignment, largest plan", f"/goals/alignment/?plan={plan}"),
        ("plan items", "/goals/items/"),
        ("plan items, filtered", f"/goals/items/?plan={plan}&month={month}&status=blocked"),
        ("plan item new", "/goals/items/new/"),
        ("plan item detail", f"/goals/items/{item.pk}/"),
        ("plan item edit", f"/goals/items/{item.pk}/edit/"),
        ("timeline", "/goals/timeline/"),
        ("timeline (largest)", f"/goals/timeline/?plan={plan}"),
        ("plan conflicts (largest)", f"/goals/plans/{plan}/conflicts/"),
        ("weekly", "/weekly/"),
        ("weekly update detail", f"/weekly/updates/{update.pk}/"),
        ("asks", "/weekly/asks/"),
        ("ask new", f"/weekly/asks/new/?to={department % sizes.departments + 1}"),
        ("ask detail", f"/weekly/asks/{ask.pk}/"),
        ("meetings", "/weekly/meetings/"),
        ("meeting new", "/weekly/meetings/new/"),
        ("meeting agenda (this week)", f"/weekly/meetings/{meeting.pk}/"),
        ("meeting edit", f"/weekly/meetings/{meeting.pk}/edit/"),
        ("meeting minutes .md", f"/weekly/meetings/{meeting.pk}/minutes.md"),
        ("calendar settings", "/weekly/calendar/"),
        ("reviews", "/reviews/"),
        ("review new", "/reviews/new/"),
        ("review detail (busiest)", f"/reviews/{review.pk}/"),
        ("findings", "/reviews/findings/"),
        ("findings, flagged of review", f"/reviews/findings/?review={review.pk}&state=flagged"),
        ("finding detail (flagged)", f"/reviews/findings/{finding.pk}/"),
        ("finding delete", f"/reviews/findings/{finding.pk}/delete/"),
        ("plan item findings", f"/reviews/plan-items/{item.pk}/findings/"),
        ("my digest", "/reviews/my-digest/"),
        ("healthz", "/healthz"),
    ]


@dataclass
class Result:
    page: str
    url: str
    role: str
    status: int = 0
    queries: int = 0
    html_bytes: int = 0
    timings: dict[int, list[float]] = field(default_factory=dict)
    errors: dict[int, int] = field(default_factory=dict)
    note: str = ""

    def p(self, concurrency: int, quantile: float) -> float | None:
        values = sorted(self.timings.get(concurrency) or [])
        if not values:
            return None
        if len(values) == 1:
            return values[0]
        return statistics.quantiles(values, n=100, method="inclusive")[round(quantile * 100) - 1]


def _measure_in_process(pages, roles) -> dict[tuple[str, str], Result]:
    """Queries and HTML bytes of every page and role, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results = {}
    for role, user in roles.items():
        client = Client()
        client.force_login(user)
        # Fill the per-process caches (translations, content types, templates) on cheap
        # pages; each page is then requested once, as rendering the largest plan takes long.
        for url in ["/profile/", "/plans/", "/healthz"]:
            client.get(url)
        for name, url in pages:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            results[(name, role)] = Result(
                page=name,
                url=url,
                role=role,
                status=response.status_code,
                queries=len(queries),
                html_bytes=len(body),
            )
    return results


def _session_cookies(roles) -> dict[str, str]:
    from django.conf import settings
    from django.test import Client

    cookies = {}
    for role, user in roles.items():
        client = Client()
        client.force_login(user)
        cookies[role] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "planbridge.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            # The largest plan's document takes longer than gunicorn's default 30 s at the
            # full size on a busy machine; a killed worker would measure nothing.
            "--timeout",
            "600",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _get(port: int, url: str, cookie: str) -> tuple[int, float]:
    """One request on a fresh connection (gunicorn's sync workers close it after each
    response); the time until the whole body is read."""
    started = time.perf_counter()
    conn = HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", url, headers={"Cookie": cookie, "Accept-Encoding": "identity"})
        response = conn.getresponse()
        response.read()
        status = response.status
    finally:
        conn.close()
    return status, (time.perf_counter() - started) * 1000


def _load(port, url, cookie, concurrency, requests, seconds) -> tuple[list[float], int]:
    """`requests` requests from `concurrency` threads, stopped after `seconds` once at least
    max(3, concurrency) are done; the latencies of those answered 2xx/3xx, and the count of
    the others."""
    least = max(3, concurrency)
    lock = threading.Lock()
    state = {"issued": 0, "errors": 0}
    timings: list[float] = []
    deadline = time.monotonic() + seconds

    def worker():
        while True:
            with lock:
                done = state["issued"]
                if done >= max(requests, least) or (done >= least and time.monotonic() > deadline):
                    return
                state["issued"] += 1
            try:
                status, elapsed = _get(port, url, cookie)
            except OSError:
                status, elapsed = 0, 0.0
            with lock:
                if status and status < 400:
                    timings.append(elapsed)
                else:
                    state["errors"] += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, state["errors"]


def _run_scale(server: str, database: str, sizes: Sizes, args) -> list["Result"]:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    print(f"\n=== scale {sizes.scale:g}: database {database} ===", flush=True)
    _use_database(server, database)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    counts = _build(connection, sizes)
    _set_passwords()
    built = time.perf_counter() - started
    print(f"built in {built:.1f} s:", ", ".join(f"{v:,} {k}" for k, v in counts.items()))

    pages = _pages(sizes)
    if args.only:
        pattern = args.only
        pages = [
            (name, url)
            for name, url in pages
            if fnmatch.fnmatch(name, pattern)
            or fnmatch.fnmatch(url, pattern)
            or pattern in name
            or pattern in url
        ]
    roles = {
        "PM": User.objects.get(username="bench_pm"),
        "coordinator": User.objects.get(username="bench_coordinator"),
    }
    started = time.perf_counter()
    results = _measure_in_process(pages, roles)
    print(f"queries and sizes of {len(results)} pages in {time.perf_counter() - started:.1f} s")
    cookies = _session_cookies(roles)
    connection.close()

    port = _free_port()
    gunicorn = _start_gunicorn(port)
    try:
        started = time.perf_counter()
        for (_name, role), result in results.items():
            if result.status >= 400:
                continue
            # Warm-up (the workers have rendered other pages already). A page slower than
            # --page-seconds gets one more timed request and no 8-client run; one slower than
            # three times that is timed by its warm-up request alone (noted in the table).
            status, warm = _get(port, result.url, cookies[role])
            if status >= 400:
                result.errors[1] = 1
            elif warm > 3 * args.page_seconds * 1000:
                result.timings[1] = [warm]
                result.note = "timed by 1 request; 8 clients skipped"
            elif warm > args.page_seconds * 1000:
                status, again = _get(port, result.url, cookies[role])
                timings, errors = ([again], 0) if status < 400 else ([], 1)
                result.timings[1], result.errors[1] = timings[:1] + [warm], errors
                result.note = "timed by 2 requests; 8 clients skipped"
            else:
                for concurrency in CONCURRENCIES:
                    timings, errors = _load(
                        port,
                        result.url,
                        cookies[role],
                        concurrency,
                        args.requests,
                        args.page_seconds,
                    )
                    result.timings[concurrency] = timings
                    result.errors[concurrency] = errors
            print(
                f"  {result.page:31s} {result.role:11s} {result.queries:3d} q "
                f"{result.html_bytes / 1024:6.0f} KB  p50/p95 {_ms(result.p(1, 0.5))}/"
                f"{_ms(result.p(1, 0.95))} ms at 1, {_ms(result.p(8, 0.5))}/"
                f"{_ms(result.p(8, 0.95))} ms at 8",
                flush=True,
            )
        print(f"load loop in {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    return list(results.values())


# --- the report -----------------------------------------------------------------------------


def _ms(value: float | None, limit: float | None = None) -> str:
    if value is None:
        return "-"
    mark = "!" if limit is not None and value > limit else ""
    return f"{value:.0f}{mark}"


def _print_report(results: dict[float, list[Result]], args, *, final: bool = True) -> None:
    """The limits and one table per scale; the largest scale's has the growth column when a
    smaller one was run. Printed after each scale as well (final=False: the latest only)."""
    scales = sorted(results)
    full = scales[-1]
    small = scales[0] if len(scales) > 1 else None
    small_p50 = {(r.page, r.role): r.p(1, 0.5) for r in results[small]} if small else {}
    print(
        f'\nLimits (DESIGN "Scale"): p95 at 1 client <= {LIMIT_P95_MS} ms, '
        f"<= {LIMIT_QUERIES} queries, <= {LIMIT_HTML_BYTES // 1024} KB of HTML; "
        "'!' marks a figure over its limit or a failed page."
    )
    print(
        f"gunicorn, {WORKERS} sync workers, DEBUG=0, 127.0.0.1; up to {args.requests} requests "
        f"per page and concurrency, cut after {args.page_seconds:g} s (at least 3 at 1 client, "
        "8 at 8 clients); ms from request to last byte."
    )
    for scale in scales if final else [full]:
        growth = final and scale == full and small is not None
        note = f" (growth: p50 at 1 client / p50 at scale {small:g})" if growth else ""
        print(f"\nScale {scale:g}{note}")
        header = (
            f"| {'page':31s} | {'role':11s} | {'status':6s} | {'queries':7s} | {'KB':>6s} "
            f"| {'p50@1':>6s} | {'p95@1':>6s} | {'p50@8':>6s} | {'p95@8':>6s} |"
        )
        if growth:
            header += f" {'growth':>6s} |"
        header += " note |"
        print(header)
        print(re.sub(r"[^|]", "-", header))
        for result in sorted(results[scale], key=lambda r: (r.page, r.role)):
            status = str(result.status) + ("!" if result.status >= 500 else "")
            big = "!" if result.html_bytes > LIMIT_HTML_BYTES else " "
            many = "!" if result.queries > LIMIT_QUERIES else " "
            line = (
                f"| {result.page[:31]:31s} | {result.role:11s} | {status:6s} "
                f"| {result.queries:>6d}{many} | {result.html_bytes / 1024:>5.0f}{big} "
                f"| {_ms(result.p(1, 0.5)):>6s} | {_ms(result.p(1, 0.95), LIMIT_P95_MS):>6s} "
                f"| {_ms(result.p(8, 0.5)):>6s} | {_ms(result.p(8, 0.95)):>6s} |"
            )
            if growth:
                before = small_p50.get((result.page, result.role))
                now = result.p(1, 0.5)
                ratio = f"{now / before:.1f}x" if before and now else "-"
                line += f" {ratio:>6s} |"
            notes = [result.note] if result.note else []
            if result.status in (403, 404):
                notes.append("refused to this role, not timed")
            elif 300 <= result.status < 400:
                notes.append("redirect")
            errors = sum(result.errors.values())
            if errors:
                notes.append(f"{errors} requests failed")
            line += f" {'; '.join(notes)} |"
            print(line)
        answered = [r for r in results[scale] if r.status < 400 or r.status >= 500]
        over = [
            r
            for r in answered
            if r.status >= 500
            or r.queries > LIMIT_QUERIES
            or r.html_bytes > LIMIT_HTML_BYTES
            or (r.p(1, 0.95) or 0) > LIMIT_P95_MS
        ]
        print(
            f"{len(over)} of the {len(answered)} page/role rows answered are over a limit "
            f"(or failed with 5xx); {len(results[scale]) - len(answered)} refused to the role."
        )


if __name__ == "__main__":
    main()
