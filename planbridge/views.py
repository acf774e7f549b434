import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import login_throttle, rules, selectors, services
from .celery import app as celery_app
from .forms import LoginLockoutLiftForm, PlanForm, ProfileForm
from .models import Plan, Profile
from .pages import apply_form_errors
from .redirects import redirect_to_next, safe_next_path


@login_not_required
@never_cache
def healthz(request):
    """200 only when the database and the broker answer and the collected static files are
    there (without them every page fails); 503 otherwise, naming what is wrong."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not healthy"
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"error: {exc.__class__.__name__}"
    checks["static"] = _static_files_check()
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)


# Every page links the site stylesheet; with hashed names it resolves only through the
# manifest that collectstatic writes, so its absence means every page would answer 500.
LAYOUT_STYLESHEET = "css/planbridge.css"


def _static_files_check() -> str:
    storage = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin):
        return "ok"
    try:
        # The name pages would use: this process's manifest, read when it started.
        hashed_name = storage.stored_name(LAYOUT_STYLESHEET)
    except ValueError:
        return "error: no manifest entry (run collectstatic, then restart)"
    if not storage.exists(hashed_name):
        return "error: collected file missing (run collectstatic)"
    return "ok"


@login_not_required
@require_POST
def set_language(request):
    """Switches the language for this browser and, when logged in, the user's profile."""
    language = request.POST.get("language", "")
    response = redirect_to_next(request, "/")
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Unknown language."))
        return response
    if request.user.is_authenticated:
        services.profile_set_language(user=request.user, language=language)
    translation.activate(language)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


def profile(request):
    user_profile, _created = Profile.objects.get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, instance=user_profile)
    if request.method == "POST" and form.is_valid():
        services.profile_update(
            user=request.user,
            language=form.cleaned_data["language"],
            digest_opt_out=form.cleaned_data["digest_opt_out"],
        )
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your preferences were saved."))
        response = redirect("profile")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"], samesite="Lax"
        )
        return response
    memberships = request.user.memberships.select_related("department")
    return render(
        request,
        "planbridge/profile.html",
        {"form": form, "memberships": memberships, "is_pm": rules.is_pm(request.user)},
    )


def plan_list(request):
    # Archived plans have their own list (docs/architecture.md "Nothing with history is deleted").
    archived = request.GET.get("archived") == "1"
    plans = selectors.plan_list().filter(
        ~rules.current_plans_q() if archived else rules.current_plans_q()
    )
    return render(
        request,
        "planbridge/plan_list.html",
        {
            "plans": plans,
            "archived": archived,
            "may_create": rules.can_save_plan(request.user),
        },
    )


def plan_detail(request, pk):
    plan = get_object_or_404(selectors.plan_list(), pk=pk)
    return render(
        request,
        "planbridge/plan_detail.html",
        {
            "plan": plan,
            "team_by_department": selectors.plan_team_by_department(plan),
            "may_edit": rules.can_save_plan(request.user, plan),
            "may_archive": rules.can_archive_plan(request.user, plan),
            "archived": rules.plan_is_archived(plan),
        },
    )


def _plan_archive_page(request, pk, *, archive: bool):
    """The confirmation page (GET) and the change (POST) of archiving a plan or bringing it
    back; the page says what happens before anything does."""
    plan = get_object_or_404(Plan, pk=pk)
    if not rules.can_archive_plan(request.user, plan):
        raise PermissionDenied(_("Only project managers and the plan's owner can archive it."))
    if request.method == "POST":
        service = services.plan_archive if archive else services.plan_unarchive
        try:
            service(actor=request.user, plan=plan)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The plan was archived.") if archive else _("The plan is current again."),
            )
        return redirect("plan_detail", pk=plan.pk)
    return render(request, "planbridge/plan_archive.html", {"plan": plan, "archive": archive})


def plan_archive(request, pk):
    return _plan_archive_page(request, pk, archive=True)


def plan_unarchive(request, pk):
    return _plan_archive_page(request, pk, archive=False)


def _plan_form_page(request, plan):
    if not rules.can_save_plan(request.user, plan):
        raise PermissionDenied(_("Only project managers can create or change plans."))
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.plan_save(
                actor=request.user, plan=plan if plan.pk else None, **form.cleaned_data
            )
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("plan_detail", pk=saved.pk)
    return render(request, "planbridge/plan_form.html", {"form": form, "plan": plan})


def plan_create(request):
    return _plan_form_page(request, Plan(owner=request.user))


def plan_edit(request, pk):
    return _plan_form_page(request, get_object_or_404(Plan, pk=pk))


def _lockout_message(until) -> str:
    if until is None:
        return _("Too many failed logins. Try again in a few minutes.")
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    local = timezone.localtime(login_throttle.retry_at(until))
    same_day = local.date() == timezone.localdate()
    time = date_format(local, "H:i T" if same_day else "Y-m-d H:i T")
    return ngettext(
        "Too many failed logins for this user name or from this address. Try again from "
        "%(time)s (in %(minutes)d minute).",
        "Too many failed logins for this user name or from this address. Try again from "
        "%(time)s (in %(minutes)d minutes).",
        minutes,
    ) % {"time": time, "minutes": minutes}


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the login page again, saying when to retry, 429
    (docs/architecture.md "Login throttling")."""
    until = login_throttle.request_lockout_end(request, credentials)
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    response = render(
        request,
        "registration/login.html",
        {
            "form": form,
            "lockout_message": _lockout_message(until),
            "next": safe_next_path(request, ""),
        },
        status=429,
    )
    if until is not None:
        wait = max(1, math.ceil((until - timezone.now()).total_seconds()))
        response["Retry-After"] = str(wait)
    return response


def login_lockouts(request):
    """The current login lockouts, each with an Unlock button (PMs and admins)."""
    if not rules.can_unlock_logins(request.user):
        raise PermissionDenied(_("Only project managers and administrators can unlock logins."))
    return render(
        request,
        "planbridge/login_lockouts.html",
        {
            "lockouts": selectors.login_lockouts(),
            "limits": {kind: login_throttle.failure_limit(kind) for kind in login_throttle.KINDS},
            "cool_off_minutes": int(login_throttle.cool_off().total_seconds() // 60),
        },
    )


@require_POST
def login_lockout_lift(request):
    if not rules.can_unlock_logins(request.user):
        raise PermissionDenied(_("Only project managers and administrators can unlock logins."))
    form = LoginLockoutLiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown lockout. Nothing changed."))
        return redirect("login_lockouts")
    try:
        services.login_lockout_lift(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(value)s is unlocked: its next login is accepted.") % form.cleaned_data
        )
    return redirect("login_lockouts")
