"""Benchmark of the flag job and the digest run (docs/architecture.md "Jobs").

Builds, in a PostgreSQL database of its own, 1,000,000 findings (2,000 reviews, 2,495
departments, 9,980 coordinators, 20 facilitators, about 900,000 carryovers) with
generate_series SQL, arranged so that every department and every facilitator has flagged
findings (10,000 digest recipients from 250,000 findings up), then prints:

* the flag job (reviews.services.flagging.unlinked_findings_flag: the queryset's UPDATE
  and one audit record per flagged finding, in one statement) next to the equivalent
  hand-written SQL UPDATE without records, run in the same process on the same data;
* the digest run for 10,000 recipients (scheduling into the outbox, then one send per outbox
  message to Django's in-memory mail backend): the recipients counted in the database, the
  emails sent, time and number of SQL queries.

Not a test (pytest does not collect benchmarks/). Run from the project root:

    .venv/bin/python benchmarks/flag_job.py [--findings 1000000] [--keep]

BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432) names the server; the
database pb_bench_flags is created afresh and dropped at the end unless --keep.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.databases import drop_database, recreate_database  # noqa: E402

REVIEWS = 2_000
DEPARTMENTS = 2_495
COORDINATORS = 9_980  # four per department
FACILITATORS = 20
RECIPIENTS = COORDINATORS + FACILITATORS  # when every department has a flagged finding
PLAN_ITEMS = 5_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--database", default="pb_bench_flags")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    recreate_database(server, args.database)
    os.environ["DATABASE_URL"] = f"{server.rstrip('/')}/{args.database}"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["PLANBRIDGE_VAR_DIR"] = tempfile.mkdtemp(prefix="planbridge-bench-")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planbridge.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    try:
        print(f"Database {args.database}: migrating …", flush=True)
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        _build(connection, args.findings)
        print(f"Built {args.findings:,} findings in {time.perf_counter() - started:.1f} s")
        _bench_flag_job(connection)
        _bench_digests(connection)
    finally:
        connection.close()
        if not args.keep:
            drop_database(server, args.database)


# --- the database ---------------------------------------------------------------------------


BUILD = """
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                       is_staff, is_active, date_joined)
SELECT '!', false, 'bench' || n, 'User ' || n, '', 'bench' || n || '@example.test',
       false, true, now()
FROM generate_series(1, %(users)s) n;

INSERT INTO planbridge_profile (user_id, language, digest_opt_out)
SELECT id, CASE WHEN id %% 10 = 0 THEN 'zh-hans' ELSE 'en' END, false FROM auth_user;

INSERT INTO planbridge_department (name, slug)
SELECT 'Department ' || n, 'department-' || n FROM generate_series(1, %(departments)s) n;

-- Users 1..FACILITATORS facilitate; the next COORDINATORS coordinate, four per department.
INSERT INTO planbridge_membership (user_id, department_id, role)
SELECT u.id, d.first + (u.id - %(facilitators)s - 1) %% %(departments)s, 'coordinator'
FROM auth_user u, (SELECT min(id) AS first FROM planbridge_department) d
WHERE u.id > %(facilitators)s;

INSERT INTO planbridge_plan (title, background, start, "end", owner_id,
                             communication_mechanism, review_cadence, created_at)
VALUES ('Benchmark plan', '', '2026-01-01', '2026-12-31', 1, '', '', now());

INSERT INTO goals_planitem (plan_id, department_id, month, title, description, start, due,
                            status, version, created_at, updated_at)
SELECT (SELECT min(id) FROM planbridge_plan),
       (SELECT min(id) FROM planbridge_department) + n %% %(departments)s,
       '2026-05-01', 'Item ' || n, '', '2026-05-01', '2026-05-28', 'planned', 1, now(), now()
FROM generate_series(0, %(items)s - 1) n;

-- 90 %% of the reviews are closed, between 0 and 39 days ago (n %% 40); the rest are open
-- (n %% 10 = 9). Facilitators take blocks of 40 reviews in turn, so each has closed reviews
-- of every age.
INSERT INTO reviews_review (month, plan_id, facilitator_id, status, opened_at, closed_at,
                            created_at)
-- One review per month and plan (a database constraint): the first 1,200 reviews are the
-- plan's, one a month from 2000, the rest are months without a plan.
SELECT date '2000-01-01' + (n %% 1200) * interval '1 month',
       CASE WHEN n < 1200 THEN (SELECT min(id) FROM planbridge_plan) END,
       1 + (n / 40) %% %(facilitators)s,
       CASE WHEN n %% 10 = 9 THEN 'open' ELSE 'closed' END,
       now() - interval '45 days',
       CASE WHEN n %% 10 = 9 THEN NULL ELSE now() - (n %% 40) * interval '1 day' END,
       now()
FROM generate_series(0, %(reviews)s - 1) n;

-- Of every 20 findings: 1 dismissed, 17 carried (accepted), 1 only proposed, 1 left alone
-- (the last two are flagged once their review is past its grace period). The 20 share a
-- review and a department, from g = n / 20: department g %% D and review (g + g / D) %% R.
-- A department's groups g = d + k * D thus fall on reviews d + k * (D + 1), and with
-- D + 1 = 2,496 = 16 (mod 40) its first five groups land on reviews 0, 8, 16, 24 and 32 days
-- apart in age (mod 40): at least one is closed more than 7 days (the default grace) ago.
-- So every department has flagged findings once there are 5 * 20 * D findings.
INSERT INTO reviews_finding (review_id, kind, title, detail, department_id, severity,
                             evidence_kind, created_by_id, created_at, dismissed_at,
                             dismissal_reason)
SELECT r.first + (n / 20 + n / 20 / %(departments)s) %% %(reviews)s, 'problem',
       'Finding ' || n, '',
       d.first + (n / 20) %% %(departments)s, 'medium', '', 1, now(),
       CASE WHEN n %% 20 = 0 THEN now() - interval '1 day' END,
       CASE WHEN n %% 20 = 0 THEN 'Not ours' ELSE '' END
FROM generate_series(0, %(findings)s - 1) n,
     (SELECT min(id) AS first FROM reviews_review) r,
     (SELECT min(id) AS first FROM planbridge_department) d;

INSERT INTO reviews_carryover (finding_id, plan_item_id, created_by_id, created_at,
                               accepted_by_id, accepted_at)
SELECT f.id, p.first + f.id %% %(items)s, 1, now(),
       CASE WHEN (f.id - m.first) %% 20 <= 17 THEN 1 END,
       CASE WHEN (f.id - m.first) %% 20 <= 17 THEN now() END
FROM reviews_finding f,
     (SELECT min(id) AS first FROM goals_planitem) p,
     (SELECT min(id) AS first FROM reviews_finding) m
WHERE (f.id - m.first) %% 20 BETWEEN 1 AND 18;
"""


def _build(connection, findings: int) -> None:
    params = {
        "users": FACILITATORS + COORDINATORS,
        "facilitators": FACILITATORS,
        "departments": DEPARTMENTS,
        "reviews": REVIEWS,
        "items": PLAN_ITEMS,
        "findings": findings,
    }
    with connection.cursor() as cursor:
        for statement in BUILD.split(";\n"):
            if statement.strip():
                cursor.execute(statement, params)
        cursor.execute("VACUUM ANALYZE")


# --- the flag job ---------------------------------------------------------------------------

HAND_WRITTEN = """
UPDATE reviews_finding f SET flagged_at = %(now)s
WHERE f.flagged_at IS NULL
  AND f.dismissed_at IS NULL
  AND EXISTS (SELECT 1 FROM reviews_review r
              WHERE r.id = f.review_id AND r.status = 'closed' AND r.closed_at <= %(cutoff)s)
  AND NOT EXISTS (SELECT 1 FROM reviews_carryover c
                  WHERE c.finding_id = f.id AND c.accepted_at IS NOT NULL)
"""


def _reset_flags(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_finding SET flagged_at = NULL WHERE flagged_at IS NOT NULL")
        cursor.execute("VACUUM ANALYZE reviews_finding")


def _bench_flag_job(connection) -> None:
    from django.utils import timezone

    from reviews.selectors import grace_period
    from reviews.services.flagging import unlinked_findings_flag

    def orm():
        return unlinked_findings_flag(now=timezone.now())

    def hand_written():
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN, {"now": now, "cutoff": now - grace_period()})
            return cursor.rowcount

    print("\nFlag job on the whole table (fresh flags each run):")
    results = {}
    for label, run in [
        ("flag job (UPDATE + audit)", orm),
        ("hand-written SQL UPDATE", hand_written),
        ("flag job (UPDATE + audit)", orm),
        ("hand-written SQL UPDATE", hand_written),
    ]:
        _reset_flags(connection)
        started = time.perf_counter()
        count = run()
        elapsed = time.perf_counter() - started
        results.setdefault(label, []).append(elapsed)
        print(f"  {label:32s} {elapsed * 1000:9.1f} ms   {count:,} findings flagged")
    started = time.perf_counter()
    again = orm()
    print(
        f"  {'flag job again (idempotent)':32s} {(time.perf_counter() - started) * 1000:9.1f} ms"
        f"   {again:,} findings flagged"
    )
    best = {label: min(times) for label, times in results.items()}
    print(
        "  best of two: flag job {:.1f} ms, hand-written {:.1f} ms".format(
            best["flag job (UPDATE + audit)"] * 1000, best["hand-written SQL UPDATE"] * 1000
        )
    )


# --- the digests ----------------------------------------------------------------------------


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _bench_digests(connection) -> None:
    from django.core import mail

    from planbridge import outbox
    from reviews.models import Finding
    from reviews.selectors.digests import digest_recipients
    from reviews.services.digests import digests_schedule

    # The flag job has just changed tens of thousands of rows; without fresh statistics the
    # planner believes no finding is flagged and scans every flagged one for each recipient.
    # A production database has them (autovacuum analyzes, and flags accumulate over days).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reviews_finding")
    flagged = Finding.objects.filter(flagged_at__isnull=False).count()
    # Counted in the database (not derived from the constants), before anything is scheduled.
    recipients = digest_recipients().count()
    mail.outbox = []
    print(f"\nDigest run ({flagged:,} flagged findings, {recipients:,} recipients):")
    if recipients < RECIPIENTS:
        print(f"  NOTE: fewer than the {RECIPIENTS:,} recipients the full-size data gives")
    schedule_queries, send_queries = QueryCounter(), QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(schedule_queries):
        delivery_ids = digests_schedule(queue=False)
    scheduled = time.perf_counter() - started
    outcomes: dict[str, int] = {}
    started = time.perf_counter()
    with connection.execute_wrapper(send_queries):
        for pk in delivery_ids:
            outcome = outbox.outbox_message_send(message_pk=pk)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    sent = time.perf_counter() - started
    listed = sum(message.body.count("\n* ") for message in mail.outbox)
    addressees = {address for message in mail.outbox for address in message.to}
    print(
        f"  scheduling: {len(delivery_ids):,} recipients in {scheduled * 1000:.1f} ms, "
        f"{schedule_queries.count} queries"
    )
    print(
        f"  sending:    {len(mail.outbox):,} emails to {len(addressees):,} addresses "
        f"({listed:,} finding lines) in {sent:.1f} s, "
        f"{send_queries.count:,} queries ({send_queries.count / max(len(delivery_ids), 1):.1f} "
        f"per email); outcomes {outcomes}"
    )
    print(
        f"  total:      {scheduled + sent:.1f} s, "
        f"{schedule_queries.count + send_queries.count:,} queries"
    )
    rerun = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(rerun):
        again = digests_schedule(queue=False)
    print(
        f"  same-day re-run: {len(again)} new digests, "
        f"{(time.perf_counter() - started) * 1000:.1f} ms, {rerun.count} queries"
    )


if __name__ == "__main__":
    main()
