"""The flag job and the digest emails (docs/architecture.md "The bridge rule", "Jobs").

Flagging is one set-based UPDATE. A digest goes through a DigestDelivery row (unique per user
and day) that is claimed with a conditional UPDATE before anything is sent, so a second beat,
a duplicate task or a re-run sends nothing more; SMTP failures are recorded on the row and
retried by reviews.tasks.send_digest with bounded backoff.
"""

import datetime
import logging
import random
import smtplib
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import OperationalError, connection, transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from planbridge import periods
from planbridge.models import Membership, Profile

from . import rules
from .models import DigestDelivery, Finding, Review
from .selectors import finding_deadline

logger = logging.getLogger(__name__)

# Outcomes of one send attempt (digest_delivery_send).
SENT = "sent"
RETRY = "retry"
FAILED = "failed"
SKIPPED = "skipped"

_SERIALIZATION_FAILURE = "40001"
_FLAG_ATTEMPTS = 5


# --- flagging -------------------------------------------------------------------------------


def unlinked_findings(*, now: datetime.datetime) -> QuerySet[Finding]:
    """Findings that must be flagged at `now`: those in the bridge state TO_FLAG (closed
    review, deadline passed, no disposition, not flagged yet; reviews.rules)."""
    # The two IS NULLs only narrow the scan to the partial index finding_undisposed_unflagged;
    # the bridge state decides. The state is computed in a subquery and the UPDATE itself
    # keeps "flagged_at IS NULL" on its own table: PostgreSQL rechecks that condition on the
    # row it has just locked, so a finding flagged by a concurrent job keeps its flagged_at.
    to_flag = (
        rules.with_bridge_state(
            Finding.objects.filter(flagged_at__isnull=True, dismissed_at__isnull=True), now=now
        )
        .filter(rules.in_states(rules.BridgeState.TO_FLAG))
        .values("pk")
    )
    return Finding.objects.filter(pk__in=to_flag, flagged_at__isnull=True)


def unlinked_findings_flag(*, now: datetime.datetime | None = None) -> int:
    """Flags, in one UPDATE, every finding past its deadline without a disposition and returns
    how many; findings already flagged keep their first flagged_at; running it twice, or in two
    processes at once, gives the same result as once."""
    now = now or timezone.now()
    # Our own transaction only when not called inside one (a caller's transaction cannot
    # change its isolation level, nor be retried here).
    outermost = not connection.in_atomic_block
    for attempt in range(1, _FLAG_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                if outermost:
                    _repeatable_read()
                count = unlinked_findings(now=now).update(flagged_at=now)
        except OperationalError as exc:
            if getattr(exc.__cause__, "pgcode", None) != _SERIALIZATION_FAILURE:
                raise
            if attempt == _FLAG_ATTEMPTS or not outermost:
                raise
            # Another transaction changed one of our rows after our snapshot (a second flag
            # job, or a carry committing right now): run the statement again on a new snapshot.
            continue
        logger.info("Flagged %d finding(s) not carried or dismissed in time.", count)
        _refresh_statistics_after(count)
        return count
    raise AssertionError("unreachable")


def _refresh_statistics_after(flagged: int) -> None:
    # After a large flag run PostgreSQL's statistics still say almost nothing is flagged until
    # autoanalyze comes by, and the digest queries that follow pick a plan that scans every
    # flagged finding per recipient (measured by benchmarks/flag_job.py: 8x slower).
    if connection.vendor == "postgresql" and flagged >= settings.PLANBRIDGE_FLAG_ANALYZE_MIN_ROWS:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Finding._meta.db_table)}")


def _repeatable_read() -> None:
    # Under READ COMMITTED, PostgreSQL would recheck a row a concurrent carry has just updated
    # against the old snapshot of the carryover table, and flag a finding carried a moment ago.
    # REPEATABLE READ turns that race into a serialization failure, which we retry. It must be
    # the transaction's first statement.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


# --- digests: what each user would receive --------------------------------------------------


@dataclass(frozen=True)
class DigestItem:
    """One flagged finding as listed in a digest."""

    finding: Finding
    deadline: datetime.datetime
    days_overdue: int
    url: str  # absolute (SITE_URL), to the page where it is carried or dismissed


def flagged_findings(*, now: datetime.datetime | None = None) -> QuerySet[Finding]:
    """Findings in the bridge state FLAGGED: flagged and still without a disposition (one
    carried or dismissed since the flag was set is left out even if its flag stayed)."""
    # flagged_at IS NOT NULL only narrows the scan to the partial index finding_flagged.
    return rules.with_bridge_state(
        Finding.objects.filter(flagged_at__isnull=False), now=now or timezone.now()
    ).filter(rules.in_states(rules.BridgeState.FLAGGED))


def digest_findings(*, user) -> QuerySet[Finding]:
    """The user's flagged findings: those owned by a department they coordinate and those of
    reviews they facilitated, with review, plan and department loaded (two queries)."""
    # The departments and reviews are read first (one UNION ALL, each row marked with what it
    # is) so that the findings query is an OR of two indexed "= ANY(...)" conditions; an OR
    # over subqueries makes PostgreSQL scan every flagged finding, once per recipient.
    coordinated = (
        Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR)
        .order_by()
        .values_list(Value(True), "department_id")
    )
    facilitated = Review.objects.filter(facilitator=user).order_by().values_list(Value(False), "pk")
    department_ids, review_ids = [], []
    for is_department, pk in coordinated.union(facilitated, all=True):
        (department_ids if is_department else review_ids).append(pk)
    return (
        flagged_findings()
        .filter(Q(department_id__in=department_ids) | Q(review_id__in=review_ids))
        .select_related("review__plan", "department")
        .order_by("department__name", "review__month", "flagged_at", "pk")
    )


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def digest_items(*, user, now: datetime.datetime | None = None) -> list[DigestItem]:
    """What the user's next digest lists, in department order, each with its deadline, whole
    days overdue and an absolute link; empty when nothing of theirs is flagged."""
    now = now or timezone.now()
    items = []
    for finding in digest_findings(user=user):
        deadline = finding_deadline(finding)
        items.append(
            DigestItem(
                finding=finding,
                deadline=deadline,
                days_overdue=max((now - deadline).days, 0),
                url=absolute_url(reverse("reviews:finding_detail", args=[finding.pk])),
            )
        )
    return items


def digest_recipients() -> QuerySet:
    """Active users with an email address who coordinate the department of a flagged finding
    or facilitated its review, minus those who opted out (one query)."""
    flagged = flagged_findings()
    coordinators = Membership.objects.filter(
        role=Membership.Role.COORDINATOR, department_id__in=flagged.values("department_id")
    ).values("user_id")
    facilitators = flagged.values("review__facilitator_id")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=coordinators) | Q(pk__in=facilitators), is_active=True)
        .exclude(email="")
        .exclude(profile__digest_opt_out=True)
    )


@dataclass(frozen=True)
class DigestPreview:
    """The "My digest" page: what the user's next digest lists and whether it will be sent."""

    items: list[DigestItem]
    opted_out: bool
    has_email: bool
    today: DigestDelivery | None  # today's delivery, if one was scheduled


def digest_preview(*, user) -> DigestPreview:
    """The user's next digest as of now, their opt-out and today's delivery (four queries)."""
    profile = Profile.objects.filter(user=user).first()
    return DigestPreview(
        items=digest_items(user=user),
        opted_out=bool(profile and profile.digest_opt_out),
        has_email=bool(user.email),
        today=DigestDelivery.objects.filter(user=user, date=periods.today()).first(),
    )


# --- digests: scheduling and sending --------------------------------------------------------


def retry_countdown(retries: int) -> float:
    """Seconds to wait before retry number `retries + 1`: exponential with jitter, each wait
    capped so that all retries together stay within half the broker's visibility timeout."""
    upper = min(
        settings.PLANBRIDGE_DIGEST_RETRY_BASE_SECONDS * 2**retries,
        retry_window_cap() / max(settings.PLANBRIDGE_DIGEST_MAX_RETRIES, 1),
    )
    return random.uniform(upper / 2, upper)


def retry_window_cap() -> float:
    # Redis hands an unacknowledged message (a retry waiting for its ETA) to another worker
    # after visibility_timeout; half of it leaves room for the attempts themselves.
    return settings.CELERY_BROKER_VISIBILITY_TIMEOUT / 2


def stale_after() -> datetime.timedelta:
    """A delivery untouched this long has no live task any more (retries end well before)."""
    return datetime.timedelta(seconds=settings.CELERY_BROKER_VISIBILITY_TIMEOUT)


@transaction.atomic
def digests_schedule(*, enqueue: bool = True) -> list[int]:
    """Creates today's pending DigestDelivery for every recipient who has none (the unique
    constraint makes a second run a no-op), marks stale ones failed, and returns the ids of
    today's deliveries never attempted; with `enqueue`, their send tasks are queued after
    commit."""
    today = periods.today()
    now = timezone.now()
    # A delivery whose task died (worker killed mid-send, retry message lost) would otherwise
    # stay pending or sending for ever: record it as failed, retryable from the admin.
    stale = DigestDelivery.objects.filter(
        Q(status=DigestDelivery.Status.SENDING)
        | Q(status=DigestDelivery.Status.PENDING, attempts__gt=0)
        | Q(status=DigestDelivery.Status.PENDING, date__lt=today),
        updated_at__lt=now - stale_after(),
    ).update(
        status=DigestDelivery.Status.FAILED,
        last_error="No worker finished this delivery in time; retry it from the admin.",
        updated_at=now,
    )
    if stale:
        logger.warning("Marked %d stale digest deliveries failed.", stale)
    recipient_ids = list(digest_recipients().values_list("pk", flat=True))
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(user_id=pk, date=today) for pk in recipient_ids],
        ignore_conflicts=True,
        batch_size=1000,
    )
    # Pending with no attempt: new rows, or rows whose task never ran. One already attempted
    # is waiting for its retry countdown and is left to it.
    delivery_ids = list(
        DigestDelivery.objects.filter(
            date=today, status=DigestDelivery.Status.PENDING, attempts=0
        ).values_list("pk", flat=True)
    )
    if enqueue:
        _enqueue_after_commit(delivery_ids)
    logger.info(
        "Digests: %d recipient(s), %d delivery(ies) to send.", len(recipient_ids), len(delivery_ids)
    )
    return delivery_ids


def _enqueue_after_commit(delivery_ids: list[int]) -> None:
    from .tasks import send_digest  # tasks import this module

    # Only once the rows are committed can a worker claim them; ids, not objects, travel.
    for pk in delivery_ids:
        transaction.on_commit(lambda pk=pk: send_digest.delay(pk))


@transaction.atomic
def digest_deliveries_retry(*, delivery_ids) -> int:
    """Puts failed deliveries back to pending and queues their send after commit; sent,
    pending and sending ones are left alone (never doubled). Returns how many."""
    ids = list(
        DigestDelivery.objects.select_for_update()
        .filter(pk__in=delivery_ids, status=DigestDelivery.Status.FAILED)
        .values_list("pk", flat=True)
    )
    DigestDelivery.objects.filter(pk__in=ids).update(
        status=DigestDelivery.Status.PENDING, updated_at=timezone.now()
    )
    _enqueue_after_commit(ids)
    return len(ids)


def digest_delivery_send(*, delivery_id: int, final_attempt: bool = True) -> str:
    """Sends one delivery's digest at most once and records the outcome on the row: SENT,
    RETRY (error recorded, back to pending), FAILED (error recorded) or SKIPPED (claimed by
    someone else, or nothing to send any more)."""
    # Deliberately not one transaction: the claim must commit before the SMTP conversation
    # (no lock held while talking to a mail server), and the outcome after it.
    now = timezone.now()
    claimed = DigestDelivery.objects.filter(
        pk=delivery_id, status=DigestDelivery.Status.PENDING
    ).update(
        status=DigestDelivery.Status.SENDING,
        attempts=F("attempts") + 1,
        updated_at=now,
        # One Message-ID for every attempt, so a receiver can spot a duplicate.
        message_id=Case(
            When(message_id="", then=Value(make_msgid("digest", domain=_mail_domain()))),
            default=F("message_id"),
        ),
    )
    if claimed != 1:
        return SKIPPED
    # Row, user and profile in one query (the claim's UPDATE cannot return them).
    delivery = DigestDelivery.objects.select_related("user__profile").get(pk=delivery_id)
    mine = DigestDelivery.objects.filter(pk=delivery_id, status=DigestDelivery.Status.SENDING)
    try:
        user = delivery.user
        profile = _loaded_profile(user)
        items = [] if profile and profile.digest_opt_out else digest_items(user=user, now=now)
        if not items or not user.email:
            # Carried, dismissed or opted out since scheduling: nothing is sent, and the row
            # goes so that a finding flagged later today can still be reported today.
            mine.delete()
            return SKIPPED
        message = digest_message(user=user, profile=profile, items=items, delivery=delivery)
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        permanent = _permanent(exc)
        status = FAILED if final_attempt or permanent else RETRY
        mine.update(
            status=DigestDelivery.Status.FAILED
            if status == FAILED
            else DigestDelivery.Status.PENDING,
            last_error=_describe(exc),
            updated_at=timezone.now(),
        )
        logger.warning("Digest %s attempt %s: %s (%s)", delivery_id, delivery.attempts, exc, status)
        return status
    except Exception as exc:
        # A bug, not the mail server: record it where the admin shows it, then let it surface.
        mine.update(
            status=DigestDelivery.Status.FAILED,
            last_error=_describe(exc),
            updated_at=timezone.now(),
        )
        raise
    mine.update(
        status=DigestDelivery.Status.SENT,
        sent_at=timezone.now(),
        updated_at=timezone.now(),
        finding_count=len(items),
        last_error="",
    )
    return SENT


def digest_message(*, user, profile, items: list[DigestItem], delivery) -> EmailMultiAlternatives:
    """The digest email (text and HTML) in the user's preferred language."""
    language = profile.language if profile else settings.LANGUAGE_CODE
    context = {
        "user": user,
        "items": items,
        "count": len(items),
        "grace_days": settings.PLANBRIDGE_CARRY_GRACE_DAYS,
        "my_digest_url": absolute_url(reverse("reviews:my_digest")),
        "profile_url": absolute_url(reverse("profile")),
        "site_url": settings.SITE_URL,
    }
    with translation.override(language):
        subject = " ".join(render_to_string("reviews/email/digest_subject.txt", context).split())
        text = render_to_string("reviews/email/digest.txt", context)
        html = render_to_string("reviews/email/digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "Message-ID": delivery.message_id,
            "List-Unsubscribe": f"<{context['profile_url']}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _loaded_profile(user) -> Profile | None:
    """The user's profile as loaded by select_related("user__profile"), None if they have
    none (no query either way)."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def _mail_domain() -> str:
    return urlparse(settings.SITE_URL).hostname or "planbridge.local"


def _permanent(exc: Exception) -> bool:
    """A 5xx answer will not change on retry; connection errors and 4xx answers may."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
