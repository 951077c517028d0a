"""Recommendation pages: the overview, asking, writing, editing, one recommendation, and
the actions on recommendations and requests.

Every action is a plain form POST that redirects, so the pages work without JavaScript;
under htmx the same endpoint answers with the row it replaces. Refusals keep the
service's status code (400/403/404/409) and come back as the row's error or a form error.
A recommendation or request the viewer may not see gives the 404 of a missing one.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.exceptions import ApplicationError
from common.views import is_htmx, page_member
from connections import graph
from connections import selectors as connection_selectors
from connections.services import is_blocked_between
from profiles import selectors as profile_selectors
from profiles.models import Education, Position, Profile, User
from recommendations import selectors, services
from recommendations.forms import (
    AskForm,
    ChooseConnectionForm,
    EditForm,
    ReviseForm,
    WriteForm,
    about_choices,
)
from recommendations.models import Recommendation, RecommendationRequest
from recommendations.selectors import Shown, ShownRequest

Status = Recommendation.Status
SECTION_LIMIT = 50
SUGGESTIONS = 10


def _connection_choices(member: User) -> dict[str, Profile]:
    """The member's visible connections by handle, by name (one query)."""
    rows = connection_selectors.connections_for_page(member, sort="name")
    return {row.other.username: row.other.profile for row in rows}


def _choices(people: dict[str, Profile]) -> list[tuple[str, str]]:
    return [(handle, profile.full_name) for handle, profile in people.items()]


def _with_history(qs: Any) -> Any:
    return qs.select_related("user").prefetch_related(
        Prefetch("positions", queryset=Position.objects.all()),
        Prefetch("education", queryset=Education.objects.all()),
    )


# -- the overview ---------------------------------------------------------------------


def overview(request: HttpRequest) -> HttpResponse:
    """Everything in one place: recommendations waiting for your approval, requests to
    write, suggestions from shared history, what is on your profile or hidden, the
    requests you sent and the recommendations you wrote. A fixed number of queries."""
    member = page_member(request)
    received = selectors.present_all(selectors.received(member)[:SECTION_LIMIT], member.pk)
    written = selectors.present_all(selectors.written(member)[:SECTION_LIMIT], member.pk)
    to_write = [
        selectors.present_request(r, member.pk)
        for r in selectors.requests_received(member)[:SECTION_LIMIT]
    ]
    sent = [
        selectors.present_request(r, member.pk)
        for r in selectors.requests_sent(member)[:SECTION_LIMIT]
    ]
    ask = selectors.suggestions(member, direction="ask", limit=SUGGESTIONS)
    write = selectors.suggestions(member, direction="write", limit=SUGGESTIONS)
    if ask or write:
        selectors.with_members(ask, write)

    def of(rows: list[Shown], *states: str) -> list[Shown]:
        return [s for s in rows if s.recommendation.status in states and not s.moderated]

    return render(
        request,
        "recommendations/overview.html",
        {
            "waiting": of(received, Status.PENDING),
            "in_revision": of(received, Status.REVISION),
            "published": of(received, Status.PUBLISHED),
            "hidden": of(received, Status.HIDDEN),
            "taken_down": [s for s in received if s.moderated],
            "to_write": to_write,
            "to_revise": of(written, Status.REVISION),
            "written": [s for s in written if s.recommendation.status != Status.REVISION],
            "sent": sent,
            "ask": ask,
            "write": write,
        },
    )


# -- asking ---------------------------------------------------------------------------


def ask(request: HttpRequest) -> HttpResponse:
    """Ask a connection for a recommendation about one of your positions or schools.
    `?to=<handle>&about=p:<id>` preselects; the suggestions' one-click "Ask" posts here
    under htmx and gets its row back."""
    member = page_member(request)
    people = _connection_choices(member)
    own = _with_history(Profile.objects.filter(user=member)).get()
    about = about_choices(list(own.positions.all()), list(own.education.all()))
    initial = {"author": request.GET.get("to", "").lower(), "about": request.GET.get("about", "")}
    form = AskForm(request.POST or None, connections=_choices(people), about=about, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            author = people[form.cleaned_data["author"]]
            position_id, education_id = form.about_ids()
            try:
                services.recommendation_request_create(
                    asker=member,
                    author=author.user,
                    position_id=position_id,
                    education_id=education_id,
                    message=form.cleaned_data["message"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                notice = f"Asked {author.full_name}. You will be told when they write it."
                if is_htmx(request):
                    return render(
                        request,
                        "recommendations/_suggestion_done.html",
                        {"key": request.POST.get("row", ""), "notice": notice},
                    )
                messages.success(request, notice)
                return redirect("recommendations")
        if is_htmx(request):
            errors = [str(e) for errs in form.errors.values() for e in errs]
            return render(
                request,
                "recommendations/_suggestion_done.html",
                {"key": request.POST.get("row", ""), "error": " ".join(errors)},
                status=status,
            )
    return render(
        request,
        "recommendations/ask.html",
        {"form": form, "has_connections": bool(people), "has_history": bool(about)},
        status=status,
    )


# -- writing --------------------------------------------------------------------------


def write_choose(request: HttpRequest) -> HttpResponse:
    """Choose a connection to recommend, then write on their page."""
    member = page_member(request)
    people = _connection_choices(member)
    form = ChooseConnectionForm(request.GET or None, connections=_choices(people))
    if form.is_bound and form.is_valid():
        return redirect("recommendation-write", handle=form.cleaned_data["member"])
    return render(
        request,
        "recommendations/choose.html",
        {"form": form, "has_connections": bool(people)},
        status=400 if form.is_bound else 200,
    )


def _subject_profile(viewer: User, handle: str) -> Profile:
    profile = (
        _with_history(profile_selectors.visible_profiles())
        .filter(user__username=handle.lower())
        .first()
    )
    if profile is None or is_blocked_between(viewer.pk, profile.user_id):
        raise Http404("No such member.")
    return profile


WRITE_FIELD_ERRORS = {"invalid": None, "already_recommended": "about"}


def write(request: HttpRequest, handle: str) -> HttpResponse:
    """Recommend a connection, unprompted, for one of their positions or schools. It
    appears on their profile once they approve it."""
    member = page_member(request)
    subject = _subject_profile(member, handle)
    if subject.user_id == member.pk:
        return redirect("recommendations")
    connected = graph.are_connected(member.pk, subject.user_id)
    about = about_choices(list(subject.positions.all()), list(subject.education.all()))
    form = WriteForm(
        request.POST or None, about=about, initial={"about": request.GET.get("about", "")}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            position_id, education_id = form.about_ids()
            try:
                recommendation = services.recommendation_write(
                    author=member,
                    subject=subject.user,
                    position_id=position_id,
                    education_id=education_id,
                    relationship=form.cleaned_data["relationship"],
                    body=form.cleaned_data["body"],
                )
            except ApplicationError as exc:
                form.add_error(WRITE_FIELD_ERRORS.get(exc.code), exc.message)
                status = exc.status
            else:
                messages.success(
                    request,
                    f"Sent to {subject.full_name}: it appears on their profile once they"
                    " approve it.",
                )
                return redirect("recommendation-detail", pk=recommendation.pk)
    return render(
        request,
        "recommendations/write.html",
        {
            "subject": subject,
            "form": form,
            "connected": connected,
            "has_history": bool(about),
            "action": reverse("recommendation-write", args=[subject.user.username]),
        },
        status=status,
    )


def write_for_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the recommendation a connection asked for (or decline to)."""
    member = page_member(request)
    req = selectors.request_for(pk, viewer=member)
    if req is None:
        raise Http404("No such request.")
    if req.author_id != member.pk:
        raise PermissionDenied("Only the person asked can write it.")
    shown = selectors.present_request(req, member.pk)
    form = WriteForm(request.POST or None, about=None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                recommendation = services.recommendation_write(
                    author=member,
                    request_id=req.pk,
                    relationship=form.cleaned_data["relationship"],
                    body=form.cleaned_data["body"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request,
                    f"Sent to {shown.other.full_name}: it appears on their profile once they"
                    " approve it.",
                )
                return redirect("recommendation-detail", pk=recommendation.pk)
    return render(
        request,
        "recommendations/write.html",
        {
            "subject": shown.other,
            "form": form,
            "q": shown,
            "connected": True,
            "has_history": True,
            "action": reverse("recommendation-request-write", args=[req.pk]),
        },
        status=status,
    )


# -- one recommendation ---------------------------------------------------------------


def _load(viewer: User, pk: int) -> Shown:
    recommendation = selectors.recommendation_for(pk, viewer=viewer)
    if recommendation is None:
        raise Http404("No such recommendation.")
    return selectors.present(recommendation, viewer.pk)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _load(page_member(request), pk)
    return render(request, "recommendations/detail.html", {"s": shown, "revise_form": ReviseForm()})


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author changes a recommendation not yet approved, or sent back for changes."""
    member = page_member(request)
    shown = _load(member, pk)
    if shown.role != "author":
        raise PermissionDenied("Only its author can edit a recommendation.")
    r = shown.recommendation
    form = EditForm(request.POST or None, initial={"relationship": r.relationship, "body": r.body})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.recommendation_edit(
                    recommendation_id=r.pk,
                    author=member,
                    relationship=form.cleaned_data["relationship"],
                    body=form.cleaned_data["body"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, f"Saved. {shown.subject.full_name} can approve it now.")
                return redirect("recommendation-detail", pk=r.pk)
    return render(request, "recommendations/edit.html", {"s": shown, "form": form}, status=status)


Run = Callable[[User, int, dict[str, Any]], str]


def _act(
    request: HttpRequest, pk: int, run: Run, *, form_class: type[forms.Form] | None = None
) -> HttpResponse:
    """Validate, call the service, and answer: the fresh row under htmx, a redirect
    otherwise; on a refusal the row (or the page) with the error and its status."""
    member = page_member(request)
    shown = _load(member, pk)  # 404 alike for missing, foreign and hidden
    form = form_class(request.POST) if form_class else None
    error, status, notice = "", 200, ""
    if shown.role == "reader":
        error, status = "Only the person recommended or its author can do that.", 403
    elif form is not None and not form.is_valid():
        error, status = " ".join(str(e) for errs in form.errors.values() for e in errs), 400
    else:
        try:
            notice = run(member, pk, form.cleaned_data if form is not None else {})
        except ApplicationError as exc:
            error, status = exc.message, exc.status
    if not error and not is_htmx(request):
        messages.success(request, notice)
        return redirect("recommendations")
    fresh = selectors.recommendation_for(pk, viewer=member) if not error else shown.recommendation
    context: dict[str, Any] = {
        "error": error,
        "notice": notice,
        "revise_form": form or ReviseForm(),
    }
    if fresh is None:  # withdrawn: gone
        return render(request, "recommendations/_gone.html", {"pk": pk, "notice": notice})
    context["s"] = selectors.present(fresh, member.pk)
    template = (
        "recommendations/_recommendation.html"
        if is_htmx(request)
        else "recommendations/detail.html"
    )
    return render(request, template, context, status=status)


def _approve(member: User, pk: int, data: dict[str, Any]) -> str:
    services.recommendation_approve(recommendation_id=pk, member=member)
    return "Approved: it is on your profile now."


def _hide(member: User, pk: int, data: dict[str, Any]) -> str:
    services.recommendation_hide(recommendation_id=pk, member=member)
    return "Hidden from your profile. You can show it again at any time."


def _show(member: User, pk: int, data: dict[str, Any]) -> str:
    services.recommendation_show(recommendation_id=pk, member=member)
    return "It is on your profile again."


def _revise(member: User, pk: int, data: dict[str, Any]) -> str:
    services.recommendation_request_revision(
        recommendation_id=pk, member=member, message=data["message"]
    )
    return "Asked for changes. It comes back to you for approval once they edit it."


def _decline(member: User, pk: int, data: dict[str, Any]) -> str:
    services.recommendation_decline(recommendation_id=pk, member=member)
    return "Not accepted: it will not appear on your profile."


def _withdraw(member: User, pk: int, data: dict[str, Any]) -> str:
    services.recommendation_withdraw(recommendation_id=pk, member=member)
    return "Withdrawn: your recommendation is gone."


@require_POST
def recommendation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _approve)


@require_POST
def recommendation_hide(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _hide)


@require_POST
def recommendation_show(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _show)


@require_POST
def recommendation_revise(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _revise, form_class=ReviseForm)


@require_POST
def recommendation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _decline)


@require_POST
def recommendation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _withdraw)


# -- request actions ------------------------------------------------------------------


def _act_on_request(
    request: HttpRequest, pk: int, run: Callable[..., RecommendationRequest], notice: str
) -> HttpResponse:
    member = page_member(request)
    req = selectors.request_for(pk, viewer=member)
    if req is None:
        raise Http404("No such request.")
    error, status = "", 200
    try:
        run(request_id=pk, member=member)
    except ApplicationError as exc:
        error, status = exc.message, exc.status
    if not is_htmx(request):
        if error:
            # A refusal is a page with the message and the service's status, not a redirect.
            return render(
                request,
                "connections/problem.html",
                {"message": error, "status": status, "back": reverse("recommendations")},
                status=status,
            )
        messages.success(request, notice)
        return redirect("recommendations")
    fresh = selectors.request_for(pk, viewer=member) or req
    q: ShownRequest = selectors.present_request(fresh, member.pk)
    return render(
        request,
        "recommendations/_request.html",
        {"q": q, "error": error, "notice": "" if error else notice},
        status=status,
    )


@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_request(
        request, pk, services.recommendation_request_decline, "Declined. They are not told why."
    )


@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_request(request, pk, services.recommendation_request_withdraw, "Withdrawn.")
