"""One clock: application code reads "now" only from django.utils.timezone (timezone.now(),
timezone.localdate(), planbridge.periods.today()). The database, the browser and the
process's own local time each have a clock of their own, and tests move only the process's
(tests/clock.py); a date read from another one disagrees with the rest near midnight, at a
month's end and in every fixed-moment run. The source is scanned for the other spellings."""

import datetime
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.utils import timezone

from tests import clock

ROOT = Path(__file__).resolve().parents[2]
APPS = ("planbridge", "goals", "meetings", "reviews", "templates", "static")
SUFFIXES = {".py", ".html", ".txt", ".md", ".js", ".sql"}

FORBIDDEN = {
    "the process's local clock": re.compile(
        r"\b(?:datetime|date)\.(?:now|utcnow|today)\("
        r"|\btime\.(?:time|time_ns)\(|\btime\.(?:localtime|gmtime|ctime)\(\s*\)"
    ),
    # Django's Now() (case matters: timezone.now is fine), a db_default, and SQL's own clocks
    # in any case (raw SQL).
    "the database's clock": re.compile(
        r"\bNow\(|\bdb_default\b"
        r"|(?i:(?<![.\w])now\s*\(\s*\)"
        r"|\b(?:CURRENT_DATE|CURRENT_TIMESTAMP|CURRENT_TIME|LOCALTIMESTAMP)\b"
        r"|\b(?:statement|clock|transaction)_timestamp\s*\(|\btimeofday\s*\()"
    ),
    # timezone.now() is in UTC: its date is yesterday's or tomorrow's near midnight in TIME_ZONE.
    "the UTC date (timezone.localdate() is today's)": re.compile(r"\bnow\(\)\.date\(\)"),
    "the template's {% now %} tag (datetime.now)": re.compile(r"\{%-?\s*now\b"),
    "the browser's clock": re.compile(r"\bnew\s+Date\(\s*\)|\bDate\.now\("),
}


def forbidden_clocks(text: str) -> list[tuple[int, str, str]]:
    """(line number, which clock, line) of every forbidden spelling in `text`."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for clock_name, pattern in FORBIDDEN.items():
            if pattern.search(line):
                found.append((number, clock_name, line.strip()))
    return found


def application_files():
    for top in APPS:
        for path in sorted((ROOT / top).rglob("*")):
            parts = set(path.relative_to(ROOT).parts)
            if path.suffix in SUFFIXES and not parts & {"migrations", "vendor", "__pycache__"}:
                yield path


def test_application_code_reads_now_only_from_django_timezone():
    files = list(application_files())
    assert len(files) > 50  # the scan sees the applications, not an empty folder
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {clock_name}: {line}"
        for path in files
        for number, clock_name, line in forbidden_clocks(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use timezone.now() / timezone.localdate():\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "line",
    [
        "today = datetime.date.today()",
        "from datetime import date; date.today()",
        "stamp = datetime.datetime.now(datetime.UTC)",
        "datetime.utcnow()",
        "seconds = time.time()",
        "hour = time.localtime().tm_hour",
        "Finding.objects.update(flagged_at=Now())",
        "created = models.DateTimeField(db_default=Now())",
        'cursor.execute("UPDATE reviews_finding SET flagged_at = now()")',
        "WHERE due < CURRENT_DATE",
        "SELECT current_timestamp",
        "SELECT clock_timestamp()",
        '{% now "Y-m-d" %}',
        "const today = new Date();",
        "if (Date.now() > due) {",
        "today = timezone.now().date()",
    ],
)
def test_the_scan_catches_each_other_clock(line):
    assert forbidden_clocks(line), line


@pytest.mark.parametrize(
    "line",
    [
        "now = timezone.now()",
        "today = timezone.localdate()",
        "on_date = on_date or periods.today()",
        "week = week_start(timezone.localtime(now).date())",
        "moment = datetime.datetime.combine(day, datetime.time(hour))",
        "ticks: {callback: (value) => new Date(value).toISOString()}",
        "started = time.monotonic()",
        "made = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)",
        "updated_at = models.DateTimeField(auto_now=True)",
    ],
)
def test_the_scan_lets_djangos_clock_through(line):
    assert forbidden_clocks(line) == []


def test_a_moment_without_an_offset_is_read_in_the_zone():
    assert clock.moment("2026-12-31T23:30", "Asia/Shanghai") == datetime.datetime(
        2026, 12, 31, 15, 30, tzinfo=datetime.UTC
    )
    assert clock.moment("2026-12-01", "Asia/Shanghai") == datetime.datetime(
        2026, 11, 30, 16, 0, tzinfo=datetime.UTC
    )


def test_a_moment_with_an_offset_keeps_it():
    assert clock.moment("2026-12-31T23:30Z", "Asia/Shanghai") == datetime.datetime(
        2026, 12, 31, 23, 30, tzinfo=datetime.UTC
    )
    assert clock.moment(" 2027-01-01T00:30+01:00 ", "Asia/Shanghai") == datetime.datetime(
        2026, 12, 31, 23, 30, tzinfo=datetime.UTC
    )


def test_a_moment_that_is_not_iso_8601_stops_the_run():
    with pytest.raises(pytest.UsageError, match="PLANBRIDGE_TEST_NOW"):
        clock.moment("31/12/2026 23:30", "Asia/Shanghai")


def test_a_session_under_planbridge_test_now_runs_at_that_moment(tmp_path):
    # A separate pytest process, so that this one's clock (travelled or not) is left alone.
    (tmp_path / "test_moment.py").write_text(
        textwrap.dedent(
            """
            import datetime, threading, time
            from django.utils import timezone

            def test_the_clock_is_at_the_moment_and_ticks():
                first = timezone.now()
                assert datetime.timedelta(0) <= first - datetime.datetime(
                    2026, 12, 31, 15, 30, tzinfo=datetime.UTC
                ) < datetime.timedelta(minutes=5)
                assert timezone.localdate() == datetime.date(2026, 12, 31)
                assert datetime.datetime.now(datetime.UTC).date() == datetime.date(2026, 12, 31)
                seen = []
                thread = threading.Thread(target=lambda: seen.append(timezone.now()))
                thread.start(); thread.join()
                assert seen[0] >= first  # another thread (the live server's) sees it too
                time.sleep(0.05)
                assert timezone.now() > first
            """
        )
    )
    env = {**os.environ, clock.ENV: "2026-12-31T23:30", "TIME_ZONE": "Asia/Shanghai"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ROOT / "pyproject.toml"),
        ]
        + ["--rootdir", str(ROOT), str(tmp_path / "test_moment.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "clock: 2026-12-31T23:30:00+08:00 and ticking (PLANBRIDGE_TEST_NOW)" in result.stdout
    assert "1 passed" in result.stdout


def test_this_session_runs_at_the_moment_asked_or_on_the_real_clock():
    now = timezone.now()
    if clock.DESTINATION is None:
        assert os.environ.get(clock.ENV, "").strip() == ""
        assert abs(now.timestamp() - float(subprocess.check_output(["date", "+%s"]))) < 60
    else:
        assert now >= clock.DESTINATION  # ticking on from there, never before it
