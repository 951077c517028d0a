from collections.abc import Callable
from functools import partial
from typing import Any

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from common.exceptions import ApplicationError
from common.views import is_htmx, page_member
from connections import emails, graph, selectors, services
from connections import network as network_counts
from connections.forms import (
    ConnectForm,
    EmailPreferenceForm,
    InvitationForm,
    NetworkFilterForm,
    NoteForm,
)
from connections.models import Block
from connections.notification_text import describe
from profiles import selectors as profile_selectors
from profiles.models import Profile, User

INVITATION_SESSION_KEY = "linkup_invitation_token"
DONT_KNOW_NOTICE = "Request ignored. Thank you: telling us helps keep LinkUp free of spam."


@login_not_required
def invitation_landing(request: HttpRequest, token: str) -> HttpResponse:
    """Where the link in an invitation e-mail leads: who invites you, and a way in."""
    invitation = services.invitation_by_token(token)
    if invitation is None:
        return render(request, "connections/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        messages.info(
            request,
            f"You are already a member. Visit {invitation.inviter.profile.full_name}'s profile"
            " to connect.",
        )
        return redirect("profile-detail", handle=invitation.inviter.username)
    request.session[INVITATION_SESSION_KEY] = token
    # Following the link proves the address: no second verification e-mail for it.
    get_adapter(request).stash_verified_email(request, invitation.email)
    return render(
        request,
        "connections/invitation_landing.html",
        {
            "invitation": invitation,
            "inviter": invitation.inviter.profile,
            "signup_url": reverse("account_signup") + "?email=" + invitation.email,
        },
    )


def pop_invitation_token(request: HttpRequest) -> str | None:
    token = request.session.pop(INVITATION_SESSION_KEY, None)
    return token if isinstance(token, str) else None


@login_not_required
@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without a CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop notification e-mails, from the link in any of them, without logging in."""
    member_id = emails.member_from_unsubscribe_token(token)
    member = User.objects.filter(pk=member_id).first() if member_id is not None else None
    if member is None:
        return render(request, "connections/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        resubscribe = request.POST.get("resubscribe") == "1"
        services.email_preference_set(member=member, notifications=resubscribe)
        return render(
            request, "connections/unsubscribe.html", {"done": True, "resubscribed": resubscribe}
        )
    return render(request, "connections/unsubscribe.html", {"token": token})


# -- the member graph on pages ---------------------------------------------------
#
# Every action is a plain form POST that redirects (works without JavaScript);
# under htmx the same endpoint answers with the partial it replaces. Refusals
# from the services keep their status code (400/403/404/409/429): a form with
# the error, or a page with the message; base.html lets htmx swap those in.

PAGE_SIZE = 20


def _htmx_target(request: HttpRequest) -> str | None:
    htmx = getattr(request, "htmx", None)
    return htmx.target if htmx else None


def _target(request: HttpRequest, handle: str) -> Profile:
    """The member at /in/<handle>/ for an action: 404 alike when missing, hidden or blocked."""
    viewer = page_member(request)
    profile = (
        profile_selectors.visible_profiles()
        .select_related("user")
        .filter(user__username=handle.lower())
        .first()
    )
    if profile is None or (
        profile.user_id != viewer.pk and services.is_blocked_between(viewer.pk, profile.user_id)
    ):
        raise Http404("No such member.")
    return profile


def _problem(request: HttpRequest, exc: ApplicationError, *, back: str = "") -> HttpResponse:
    """A refusal shown as a page with the service's message and status."""
    response = render(
        request,
        "connections/problem.html",
        {"message": exc.message, "status": exc.status, "back": back},
        status=exc.status,
    )
    _retry_after(response, exc)
    return response


def _retry_after(response: HttpResponse, exc: ApplicationError) -> None:
    retry_after = exc.extra.get("retry_after")
    if exc.status == 429 and retry_after:
        response["Retry-After"] = str(retry_after)


def _source(request: HttpRequest) -> str:
    """Which page an action came from, to answer with the right partial or redirect."""
    source = request.POST.get("source") or request.GET.get("source")
    return source if source in {"profile", "network"} else "profile"


def _profile_url(target: Profile) -> str:
    return reverse("profile-detail", args=[target.user.username])


def _back_to_profile(request: HttpRequest, target: Profile, message: str) -> HttpResponse:
    """After a change that touches the whole profile (contact details, note, paths): reload it."""
    messages.success(request, message)
    if is_htmx(request):
        return HttpResponseClientRedirect(_profile_url(target))
    return redirect(_profile_url(target))


def _actions(
    request: HttpRequest,
    target: Profile,
    *,
    form: ConnectForm | None = None,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The action area of a profile (Connect / Pending / Accept / Connected), as a partial."""
    viewer = page_member(request)
    return render(
        request,
        "connections/_profile_actions.html",
        {
            "profile": target,
            "rel": selectors.relationship(viewer.pk, target.user_id),
            "connect_form": form or ConnectForm(),
            "notice": notice,
            "error": error,
        },
        status=status,
    )


def profile_connect(request: HttpRequest, handle: str) -> HttpResponse:
    """Ask a member to connect, with an optional note. GET shows the form on its own page."""
    target = _target(request, handle)
    viewer = page_member(request)
    form = ConnectForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                outcome = services.connection_request_create(
                    sender=viewer, recipient=target.user, note=form.cleaned_data["note"]
                )
            except ApplicationError as exc:
                form.add_error("note" if exc.code == "invalid" else None, exc.message)
                status = exc.status
            else:
                if outcome.connected:
                    # They had asked us: the two requests met and we are connected.
                    return _back_to_profile(
                        request, target, f"You are now connected with {target.full_name}."
                    )
                if is_htmx(request):
                    return _actions(request, target, notice="Request sent.")
                messages.success(request, f"Request sent to {target.full_name}.")
                return redirect(_profile_url(target))
        if is_htmx(request):
            return _actions(request, target, form=form, status=status)
    rel = selectors.relationship(viewer.pk, target.user_id)
    return render(
        request,
        "connections/connect.html",
        {"profile": target, "form": form, "rel": rel},
        status=status,
    )


def _pair_request(request: HttpRequest, target: Profile, state: str) -> int:
    """The open request between the viewer and `target` in `state` ("sent" or "received")."""
    rel = selectors.relationship(page_member(request).pk, target.user_id)
    if rel.state != state or rel.request is None:
        raise ApplicationError("There is no pending request.", code="not_pending")
    return rel.request.pk


def _profile_action_failed(
    request: HttpRequest, target: Profile, exc: ApplicationError
) -> HttpResponse:
    if is_htmx(request):
        response = _actions(request, target, error=exc.message, status=exc.status)
        _retry_after(response, exc)
        return response
    return _problem(request, exc, back=_profile_url(target))


def _profile_request_action(
    request: HttpRequest,
    handle: str,
    *,
    service: Callable[..., Any],
    direction: str,
    notice: str,
    reload_profile: bool = False,
) -> HttpResponse:
    """Act on the open request between the viewer and the profile's member; on success
    either swap the action area in place or (when the whole profile changes) reload it.
    `{name}` in the notice becomes the member's name."""
    target = _target(request, handle)
    notice = notice.format(name=target.full_name)
    try:
        service(request_id=_pair_request(request, target, direction), member=page_member(request))
    except ApplicationError as exc:
        return _profile_action_failed(request, target, exc)
    if reload_profile:
        return _back_to_profile(request, target, notice)
    if is_htmx(request):
        return _actions(request, target, notice=notice)
    messages.success(request, notice)
    return redirect(_profile_url(target))


@require_POST
def profile_withdraw(request: HttpRequest, handle: str) -> HttpResponse:
    return _profile_request_action(
        request,
        handle,
        service=services.connection_request_withdraw,
        direction="sent",
        notice="Request withdrawn.",
    )


@require_POST
def profile_accept(request: HttpRequest, handle: str) -> HttpResponse:
    # Contact details, the note and the paths all change: reload the whole profile.
    return _profile_request_action(
        request,
        handle,
        service=services.connection_request_accept,
        direction="received",
        notice="You are now connected with {name}.",
        reload_profile=True,
    )


def _dont_know(request: HttpRequest) -> bool:
    """The "I don't know this person" button of an Ignore form."""
    return request.POST.get("dont_know") == "1"


@require_POST
def profile_ignore(request: HttpRequest, handle: str) -> HttpResponse:
    dont_know = _dont_know(request)
    return _profile_request_action(
        request,
        handle,
        service=partial(services.connection_request_ignore, dont_know=dont_know),
        direction="received",
        notice=DONT_KNOW_NOTICE if dont_know else "Request ignored.",
    )


def profile_disconnect(request: HttpRequest, handle: str) -> HttpResponse:
    """Remove a connection. GET asks for confirmation; the other member is not told."""
    target = _target(request, handle)
    source = _source(request)
    if request.method != "POST":
        return render(
            request,
            "connections/confirm.html",
            {
                "profile": target,
                "title": f"Remove {target.full_name} from your connections?",
                "text": "They are not told. You can ask to connect again later.",
                "action": reverse("profile-disconnect", args=[target.user.username]),
                "button": "Remove connection",
                "source": source,
                "cancel": reverse("network") if source == "network" else _profile_url(target),
            },
        )
    try:
        services.connection_remove(member=page_member(request), other=target.user)
    except ApplicationError as exc:
        if is_htmx(request) and source == "profile":
            return _profile_action_failed(request, target, exc)
        return _problem(request, exc, back=reverse("network"))
    message = f"{target.full_name} was removed from your connections."
    if source == "network":
        if is_htmx(request):
            return render(
                request,
                "connections/_connection_removed.html",
                {"profile": target, "text": message},
            )
        messages.success(request, message)
        return redirect("network")
    return _back_to_profile(request, target, message)


def profile_block(request: HttpRequest, handle: str) -> HttpResponse:
    """Block a member: GET asks for confirmation; afterwards each is hidden from the other."""
    target = _target(request, handle)
    if request.method != "POST":
        return render(
            request,
            "connections/confirm.html",
            {
                "profile": target,
                "title": f"Block {target.full_name}?",
                "text": (
                    "You will no longer see each other anywhere on LinkUp. Your connection and"
                    " any pending requests between you end. They are not told."
                ),
                "action": reverse("profile-block", args=[target.user.username]),
                "button": "Block",
                "source": "profile",
                "cancel": _profile_url(target),
            },
        )
    try:
        services.block_create(blocker=page_member(request), blocked=target.user)
    except ApplicationError as exc:
        return _problem(request, exc, back=_profile_url(target))
    messages.success(request, f"You blocked {target.full_name}.")
    if is_htmx(request):
        return HttpResponseClientRedirect(reverse("network"))
    return redirect("network")


def profile_note(request: HttpRequest, handle: str) -> HttpResponse:
    """Your private "how we know each other" note about a connection, edited in place."""
    target = _target(request, handle)
    viewer = page_member(request)
    source = _source(request)
    note = graph.connection_note(viewer.pk, target.user_id)
    if note is None:
        return _problem(
            request,
            ApplicationError("You are not connected.", code="not_found", status=404),
            back=_profile_url(target),
        )
    context: dict[str, Any] = {"other": target.user, "note": note, "source": source}
    if request.method != "POST":
        if is_htmx(request) and request.GET.get("view"):
            return render(request, "connections/_note.html", context)
        context["form"] = NoteForm(initial={"note": note})
        if is_htmx(request):
            return render(request, "connections/_note_form.html", context)
        return render(request, "connections/note.html", {**context, "profile": target})
    form = NoteForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            note = services.connection_note_set(
                member=viewer, other=target.user, note=form.cleaned_data["note"]
            )
        except ApplicationError as exc:
            form.add_error("note", exc.message)
            status = exc.status
        else:
            if is_htmx(request):
                return render(request, "connections/_note.html", {**context, "note": note})
            messages.success(request, "Note saved.")
            return redirect("network" if source == "network" else _profile_url(target))
    context["form"] = form
    if is_htmx(request):
        return render(request, "connections/_note_form.html", context, status=status)
    return render(request, "connections/note.html", {**context, "profile": target}, status=status)


def profile_mutual(request: HttpRequest, handle: str) -> HttpResponse:
    """Everyone connected to both you and the member, most connected first."""
    target = _target(request, handle)
    viewer = page_member(request)
    if target.user_id == viewer.pk:
        return redirect("network")
    ids = graph.mutual_connection_ids(viewer.pk, target.user_id)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "connections/mutual.html",
        {
            "profile": target,
            "page": page,
            "members": selectors.profiles_in_order(list(page.object_list)),
        },
    )


# -- my network --------------------------------------------------------------------


def network(request: HttpRequest) -> HttpResponse:
    """My connections: search by name, sort by recent or name, 20 a page."""
    member = page_member(request)
    filters = NetworkFilterForm(request.GET or None)
    q, sort = filters.values()
    page = Paginator(selectors.connections_for_page(member, q=q, sort=sort), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context: dict[str, Any] = {"page": page, "filters": filters, "q": q, "sort": sort}
    if _htmx_target(request) == "connection-list":
        return render(request, "connections/_connection_list.html", context)
    context["counts"] = selectors.pending_counts(member)
    context.update(_network_size_context(member))
    return render(request, "connections/network.html", context)


def _network_size_context(member: User) -> dict[str, Any]:
    return {"size": network_counts.network_size(member.pk), "run": network_counts.last_run()}


def network_size(request: HttpRequest) -> HttpResponse:
    """The network-size card alone: it polls itself while counts are being refreshed."""
    return render(
        request, "connections/_network_size.html", _network_size_context(page_member(request))
    )


def _requests_page(request: HttpRequest, *, received: bool) -> HttpResponse:
    member = page_member(request)
    requests = selectors.received_requests(member) if received else selectors.sent_requests(member)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "connections/requests.html",
        {
            "received": received,
            "page": page,
            "rows": selectors.request_rows(member, page.object_list, received=received),
            "counts": selectors.pending_counts(member),
        },
    )


def requests_received(request: HttpRequest) -> HttpResponse:
    return _requests_page(request, received=True)


def requests_sent(request: HttpRequest) -> HttpResponse:
    return _requests_page(request, received=False)


REQUEST_ACTIONS: dict[str, tuple[Callable[..., Any], str, str]] = {
    "accept": (services.connection_request_accept, "Connected", "network-requests"),
    "ignore": (services.connection_request_ignore, "Ignored", "network-requests"),
    "withdraw": (services.connection_request_withdraw, "Withdrawn", "network-requests-sent"),
}


def _request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    member = page_member(request)
    service, outcome, page = REQUEST_ACTIONS[action]
    extra = {"dont_know": True} if action == "ignore" and _dont_know(request) else {}
    try:
        done = service(request_id=pk, member=member, **extra)
    except ApplicationError as exc:
        if is_htmx(request):
            # Only the message: the request may concern someone now hidden from this member.
            return render(
                request,
                "connections/_request_row_error.html",
                {"pk": pk, "message": exc.message},
                status=exc.status,
            )
        return _problem(request, exc, back=reverse(page))
    other = done.to_member if action == "withdraw" else done.from_member
    profile = Profile.objects.get(user_id=other.pk)
    if is_htmx(request):
        return render(
            request,
            "connections/_request_row_done.html",
            {"req": done, "member": profile, "outcome": outcome},
        )
    messages.success(
        request,
        f"You are now connected with {profile.full_name}."
        if action == "accept"
        else f"Request {outcome.lower()}.",
    )
    return redirect(page)


@require_POST
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_action(request, pk, "accept")


@require_POST
def request_ignore(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_action(request, pk, "ignore")


@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_action(request, pk, "withdraw")


# -- invitations -----------------------------------------------------------------

INVITATION_EMAIL_ERRORS = {"self", "already_member", "already_invited"}


def invitations(request: HttpRequest) -> HttpResponse:
    """Invite someone by e-mail, and follow what became of my invitations."""
    member = page_member(request)
    form = InvitationForm(request.POST or None)
    status, notice, exc = 200, "", None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    inviter=member,
                    email=form.cleaned_data["email"],
                    message=form.cleaned_data["message"],
                )
            except ApplicationError as error:
                exc = error
                field = "email" if error.code in INVITATION_EMAIL_ERRORS else None
                form.add_error(field, error.message)
                status = error.status
            else:
                notice = f"Invitation sent to {invitation.email}."
                if not is_htmx(request):
                    messages.success(request, notice)
                    return redirect("network-invitations")
                form, status = InvitationForm(), 200
    page = Paginator(selectors.invitations_of(member), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    context: dict[str, Any] = {
        "form": form,
        "notice": notice,
        "page": page,
        "rows": [selectors.invitation_row(i, now=now) for i in page.object_list],
    }
    if is_htmx(request) and request.method == "POST":
        response = render(request, "connections/_invitations_panel.html", context, status=status)
    else:
        context["counts"] = selectors.pending_counts(member)
        response = render(request, "connections/invitations.html", context, status=status)
    if exc is not None:
        _retry_after(response, exc)
    return response


def _invitation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    member = page_member(request)
    try:
        if action == "withdraw":
            invitation = services.invitation_cancel(invitation_id=pk, inviter=member)
            message = f"Invitation to {invitation.email} withdrawn."
        else:
            invitation = services.invitation_cancel_reminder(invitation_id=pk, inviter=member)
            message = f"No reminder will be sent to {invitation.email}."
    except ApplicationError as exc:
        if is_htmx(request):
            mine = selectors.invitations_of(member).filter(pk=pk).first()
            if mine is None:  # not this member's: the message only
                return render(
                    request,
                    "connections/_request_row_error.html",
                    {"pk": pk, "message": exc.message, "prefix": "invitation"},
                    status=exc.status,
                )
            return render(
                request,
                "connections/_invitation_row.html",
                {"row": selectors.invitation_row(mine), "error": exc.message},
                status=exc.status,
            )
        return _problem(request, exc, back=reverse("network-invitations"))
    if is_htmx(request):
        return render(
            request,
            "connections/_invitation_row.html",
            {"row": selectors.invitation_row(invitation), "notice": message},
        )
    messages.success(request, message)
    return redirect("network-invitations")


@require_POST
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_action(request, pk, "withdraw")


@require_POST
def invitation_cancel_reminder(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_action(request, pk, "cancel_reminder")


# -- notifications and e-mail settings -------------------------------------------


def notifications(request: HttpRequest) -> HttpResponse:
    """In-app notifications, newest first. Those shown are marked read."""
    member = page_member(request)
    page = Paginator(selectors.notifications_for(member), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = list(page.object_list)
    # What each notification says comes from describe(), which reads the request's note
    # or the introduction as this member may see it: fetch those for the whole page.
    prefetch_related_objects(
        items,
        "request",
        "introduction__requester__profile",
        "introduction__target__profile",
        "introduction__hops__broker__profile",
        "introduction__outcomes",
    )
    for n in items:
        n.recipient = member
        n.described = describe(n)
    unread = [n.pk for n in items if n.read_at is None]
    if unread:
        # The items keep read_at=None in memory, so this page still shows them as new.
        services.notifications_mark_read(member=member, ids=unread)
    return render(request, "connections/notifications.html", {"page": page, "items": items})


def email_settings(request: HttpRequest) -> HttpResponse:
    member = page_member(request)
    if request.method == "POST":
        form = EmailPreferenceForm(request.POST)
        if form.is_valid():
            services.email_preference_set(
                member=member, notifications=form.cleaned_data["notifications"]
            )
            messages.success(request, "E-mail preferences saved.")
            return redirect("settings-emails")
        return render(request, "connections/email_settings.html", {"form": form}, status=400)
    form = EmailPreferenceForm(
        initial={"notifications": selectors.wants_notification_emails(member)}
    )
    return render(request, "connections/email_settings.html", {"form": form})


def blocked_members(request: HttpRequest) -> HttpResponse:
    """The members I block, with Unblock. Only the blocker sees this list: the blocked
    member sees nothing of it (nor of the blocker anywhere)."""
    member = page_member(request)
    if request.method == "POST":
        handle = request.POST.get("handle", "")
        blocked = User.objects.filter(username=handle).values_list("pk", flat=True).first()
        if blocked is not None and services.block_remove(blocker=member, blocked_id=blocked):
            messages.success(
                request, "Unblocked. You are not connected: send a request if you wish."
            )
        return redirect("settings-blocked")
    blocks = (
        Block.objects.filter(blocker=member)
        .select_related("blocked__profile")
        .order_by("-created_at")
    )
    return render(request, "connections/blocked.html", {"blocks": blocks})
