"""Pages: the keep-in-touch list, the digest, its settings and its unsubscribe link.

Every action is a plain form POST that redirects (works without JavaScript); under
htmx the same endpoint answers with the partial it replaces. Refusals keep their
status code (400/404/409) with the message in the partial or on the page.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from common.exceptions import ApplicationError
from common.views import is_htmx, page_member
from connections.services import is_blocked_between
from digest import emails, sections, selectors, services
from digest.forms import (
    DigestPreferenceForm,
    KeepInTouchAddForm,
    KeepInTouchIntervalForm,
    KeepInTouchTouchForm,
)
from digest.models import INTERVAL_CHOICES, DigestPreference, KeepInTouch
from profiles.models import User


def _other(request: HttpRequest, handle: str) -> User:
    """The member behind `handle`: the same 404 when missing, hidden or blocked."""
    viewer = page_member(request)
    other = (
        User.objects.visible()
        .filter(username=handle.lower(), profile__isnull=False)
        .select_related("profile")
        .first()
    )
    if other is None or (other.pk != viewer.pk and is_blocked_between(viewer.pk, other.pk)):
        raise Http404("No such member.")
    return other


# -- keep in touch -----------------------------------------------------------------------


def _panel_context(member: User, **extra: Any) -> dict[str, Any]:
    return {
        "entries": list(selectors.keep_in_touch_for(member)),
        "candidates": selectors.keep_in_touch_candidates(member),
        "intervals": INTERVAL_CHOICES,
        "form": KeepInTouchAddForm(),
        **extra,
    }


def _profile_button(
    request: HttpRequest, other: User, *, error: str = "", status: int = 200
) -> HttpResponse:
    member = page_member(request)
    return render(
        request,
        "digest/_profile_button.html",
        {
            "show": True,
            "profile": other.profile,
            "entry": selectors.keep_in_touch_entry(member, other.pk),
            "intervals": INTERVAL_CHOICES,
            "error": error,
        },
        status=status,
    )


def keep_in_touch(request: HttpRequest) -> HttpResponse:
    """The private list, soonest due first; POST adds a connection to it."""
    member = page_member(request)
    if request.method != "POST":
        return render(request, "digest/keep_in_touch.html", _panel_context(member))
    form = KeepInTouchAddForm(request.POST)
    from_profile = request.POST.get("source") == "profile"
    status, notice = 400, ""
    if form.is_valid():
        try:
            other = _other(request, form.cleaned_data["handle"])
            entry = services.keep_in_touch_add(
                member=member,
                other=other,
                interval_months=form.cleaned_data["interval_months"],
            )
        except Http404:
            form.add_error("handle", "None of your connections has that handle.")
            status = 404
        except ApplicationError as exc:
            form.add_error("handle" if exc.status != 400 else None, exc.message)
            status = exc.status
        else:
            notice = f"{entry.other.get_full_name()} is on your keep-in-touch list."
            if from_profile and is_htmx(request):
                return _profile_button(request, entry.other)
            if not is_htmx(request):
                messages.success(request, notice)
                if from_profile:
                    return redirect("profile-detail", handle=entry.other.username)
                return redirect("keep-in-touch")
            return render(request, "digest/_panel.html", _panel_context(member, notice=notice))
    if from_profile and is_htmx(request):
        message = "; ".join(str(m) for errors in form.errors.values() for m in errors)
        handle = request.POST.get("handle", "")
        try:
            return _profile_button(request, _other(request, handle), error=message, status=status)
        except Http404:
            pass
    template = "digest/_panel.html" if is_htmx(request) else "digest/keep_in_touch.html"
    return render(request, template, {**_panel_context(member), "form": form}, status=status)


def _row(
    request: HttpRequest,
    entry: KeepInTouch,
    *,
    notice: str = "",
    error: str = "",
    touch_form: KeepInTouchTouchForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "digest/_row.html",
        {
            "entry": entry,
            "intervals": INTERVAL_CHOICES,
            "notice": notice,
            "error": error,
            "touch_form": touch_form,
        },
        status=status,
    )


def _row_refused(request: HttpRequest, other: User, exc: ApplicationError) -> HttpResponse:
    if is_htmx(request):
        entry = selectors.keep_in_touch_entry(page_member(request), other.pk)
        if entry is None:
            return render(
                request,
                "digest/_row_gone.html",
                {"other": other, "message": exc.message},
                status=exc.status,
            )
        return _row(request, entry, error=exc.message, status=exc.status)
    messages.error(request, exc.message)
    return redirect("keep-in-touch")


def _row_done(request: HttpRequest, entry: KeepInTouch, notice: str) -> HttpResponse:
    if is_htmx(request):
        # Re-read: the row shows what the list shows (profile selected, same filters).
        fresh = selectors.keep_in_touch_entry(page_member(request), entry.other_id) or entry
        return _row(request, fresh, notice=notice)
    messages.success(request, notice)
    return redirect("keep-in-touch")


@require_POST
def keep_in_touch_interval(request: HttpRequest, handle: str) -> HttpResponse:
    other = _other(request, handle)
    form = KeepInTouchIntervalForm(request.POST)
    if not form.is_valid():
        return _row_refused(
            request,
            other,
            ApplicationError("Choose every 1, 3, 6 or 12 months.", code="invalid", status=400),
        )
    try:
        entry = services.keep_in_touch_update(
            member=page_member(request),
            other=other,
            interval_months=form.cleaned_data["interval_months"],
        )
    except ApplicationError as exc:
        return _row_refused(request, other, exc)
    return _row_done(request, entry, f"Reminder: {entry.get_interval_months_display().lower()}.")


@require_POST
def keep_in_touch_touch(request: HttpRequest, handle: str) -> HttpResponse:
    other = _other(request, handle)
    form = KeepInTouchTouchForm(request.POST)
    if not form.is_valid():
        entry = selectors.keep_in_touch_entry(page_member(request), other.pk)
        if entry is not None and is_htmx(request):
            return _row(request, entry, touch_form=form, status=400)
        return _row_refused(
            request,
            other,
            ApplicationError("The note is too long.", code="invalid", status=400),
        )
    try:
        entry = services.keep_in_touch_touch(
            member=page_member(request), other=other, note=form.cleaned_data["note"]
        )
    except ApplicationError as exc:
        return _row_refused(request, other, exc)
    return _row_done(request, entry, "Marked as in touch today.")


@require_POST
def keep_in_touch_remove(request: HttpRequest, handle: str) -> HttpResponse:
    other = _other(request, handle)
    try:
        services.keep_in_touch_remove(member=page_member(request), other=other)
    except ApplicationError as exc:
        return _row_refused(request, other, exc)
    message = f"{other.get_full_name()} is off your keep-in-touch list."
    if is_htmx(request):
        return render(request, "digest/_row_gone.html", {"other": other, "message": message})
    messages.success(request, message)
    return redirect("keep-in-touch")


# -- the digest --------------------------------------------------------------------------


def digest(request: HttpRequest) -> HttpResponse:
    """The digest's sections, live: what the next e-mail would say, and more."""
    member = page_member(request)
    return render(
        request,
        "digest/digest.html",
        {
            "digest": sections.build(member),
            "preference": selectors.digest_preference(member),
        },
    )


def digest_settings(request: HttpRequest) -> HttpResponse:
    member = page_member(request)
    if request.method == "POST":
        form = DigestPreferenceForm(request.POST)
        if form.is_valid():
            preference = services.digest_preference_set(
                member=member, frequency=form.cleaned_data["frequency"]
            )
            messages.success(
                request,
                "You will not get the digest."
                if preference.frequency == DigestPreference.Frequency.NEVER
                else f"You will get the digest {preference.get_frequency_display().lower()}.",
            )
            return redirect("settings-digest")
        return render(request, "digest/settings.html", {"form": form}, status=400)
    preference = selectors.digest_preference(member)
    form = DigestPreferenceForm(initial={"frequency": preference.frequency})
    return render(request, "digest/settings.html", {"form": form, "preference": preference})


@login_not_required
@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without a CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop the digest from the link in it, without logging in. GET asks (link scanners
    follow links); POST does it, as the List-Unsubscribe-Post header promises."""
    member_id = emails.member_from_unsubscribe_token(token)
    member = User.objects.filter(pk=member_id).first() if member_id is not None else None
    if member is None:
        return render(request, "digest/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        resubscribe = request.POST.get("resubscribe") == "1"
        services.digest_preference_set(
            member=member,
            frequency=DigestPreference.Frequency.WEEKLY
            if resubscribe
            else DigestPreference.Frequency.NEVER,
        )
        return render(
            request, "digest/unsubscribe.html", {"done": True, "resubscribed": resubscribe}
        )
    return render(request, "digest/unsubscribe.html", {"token": token})
