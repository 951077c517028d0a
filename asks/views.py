"""Ask pages: the feed, my asks, posting, one ask and its actions.

What a page shows comes from `asks.selectors` (who may see an ask, and what of it);
actions call `asks.services`. Every action is a plain form POST that redirects, so the
pages work without JavaScript. A refusal re-renders the ask's page with the message and
the service's status (400/403/404/409/429, with Retry-After for a weekly limit).
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from asks import selectors, services
from asks.forms import AnswerForm, AskForm, CloseForm, PassForm, ReferForm
from asks.selectors import AskDetail
from common.exceptions import ApplicationError
from common.views import page_member
from connections import graph
from connections import selectors as connection_selectors
from profiles.models import User

PAGE_SIZE = 20
TABS = [("feed", "asks", "Feed"), ("mine", "asks-mine", "My asks")]


def _with_retry_after(response: HttpResponse, exc: ApplicationError | None) -> HttpResponse:
    retry_after = exc.extra.get("retry_after") if exc is not None else None
    if exc is not None and exc.status == 429 and retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """Every ask page states the weekly limit in its side panel."""
    return render(request, template, {**context, "per_week": services.ASKS_PER_WEEK}, status=status)


def _detail_url(pk: int) -> str:
    return reverse("ask-detail", args=[pk])


# -- lists -------------------------------------------------------------------------------


def feed(request: HttpRequest) -> HttpResponse:
    """Open asks of my connections and asks passed to me. Showing them counts as seen."""
    member = page_member(request)
    page = Paginator(selectors.feed(member), PAGE_SIZE).get_page(request.GET.get("page"))
    asks = list(page.object_list)
    services.ask_views_record(viewer=member, asks=asks)
    return _render(
        request,
        "asks/list.html",
        {"tab": "feed", "tabs": TABS, "page": page, "rows": selectors.feed_rows(asks)},
    )


def mine(request: HttpRequest) -> HttpResponse:
    """My asks in every state, with their reach."""
    member = page_member(request)
    page = Paginator(selectors.my_asks(member), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "asks/list.html",
        {
            "tab": "mine",
            "tabs": TABS,
            "page": page,
            "rows": selectors.my_rows(list(page.object_list)),
        },
    )


def ask_create(request: HttpRequest) -> HttpResponse:
    member = page_member(request)
    form = AskForm(request.POST or None)
    status, exc = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                ask = services.ask_create(
                    author=member,
                    title=data["title"],
                    body=data["body"],
                    topic=data["topic"],
                    industry=data["industry"],
                    expires_at=timezone.now() + timedelta(days=data["open_for"]),
                )
            except ApplicationError as error:
                exc, status = error, error.status
                fields = error.extra.get("fields", {})
                field = next((f for f in fields if f in form.fields), None)
                form.add_error(field, error.message)
            else:
                messages.success(request, "Your ask is posted: your connections see it now.")
                return redirect(_detail_url(ask.pk))
    response = _render(request, "asks/new.html", {"form": form}, status=status)
    return _with_retry_after(response, exc)


# -- one ask -------------------------------------------------------------------------------


def _load(viewer: User, pk: int) -> AskDetail:
    detail = selectors.ask_detail(viewer, pk)
    if detail is None:
        raise Http404("No such ask.")
    return detail


def _refer_choices(viewer: User, detail: AskDetail) -> list[tuple[str, str]]:
    """My connections who could be introduced to the asker: not the asker, and not
    already connected to them (an introduction between those would be refused)."""
    asker_id = detail.ask.author_id
    theirs = set(graph.mutual_connection_ids(viewer.pk, asker_id))
    referred = {r.referred_id for r in detail.referrals}
    return [
        (row.other.username, row.other.profile.full_name)
        for row in connection_selectors.connections_for_page(viewer, sort="name")
        if row.other_id != asker_id and row.other_id not in theirs | referred
    ]


def _pass_choices(viewer: User, detail: AskDetail) -> list[tuple[str, str]]:
    asker_id = detail.ask.author_id
    done = {p.to_member_id for p in detail.my_passes}
    return [
        (row.other.username, row.other.profile.full_name)
        for row in connection_selectors.connections_for_page(viewer, sort="name")
        if row.other_id != asker_id and row.other_id not in done
    ]


def _helper_choices(detail: AskDetail) -> list[tuple[str, str]]:
    return [(p.user.username, p.full_name) for p in detail.helper_candidates]


def _render_detail(
    request: HttpRequest,
    detail: AskDetail,
    *,
    bound: dict[str, forms.Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    viewer = page_member(request)
    context: dict[str, Any] = {
        "d": detail,
        "ask": detail.ask,
        "error": error,
        "answer_form": AnswerForm(),
        "open_form": next(iter(bound), "") if bound else "",
    }
    if detail.can_refer:
        context["refer_form"] = ReferForm(people=_refer_choices(viewer, detail))
    if detail.can_pass:
        context["pass_form"] = PassForm(people=_pass_choices(viewer, detail))
    if detail.can_close:
        context["close_form"] = CloseForm(people=_helper_choices(detail))
    context.update(bound or {})
    return _render(request, "asks/detail.html", context, status=status)


def ask_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = page_member(request)
    detail = _load(viewer, pk)
    services.ask_views_record(viewer=viewer, asks=[detail.ask])
    return _render_detail(request, detail)


Run = Callable[[User, AskDetail, Any], str]


def _act(
    request: HttpRequest,
    pk: int,
    run: Run,
    form_class: Callable[..., forms.Form],
    form_name: str,
) -> HttpResponse:
    """Validate the form, call the service, redirect; on a refusal, the page again with
    the form, the message and the service's status."""
    viewer = page_member(request)
    detail = _load(viewer, pk)  # the one 404 for missing and hidden, before anything else
    form = form_class(request.POST)
    bound = {form_name: form}
    if not form.is_valid():
        return _render_detail(request, detail, bound=bound, status=400)
    try:
        notice = run(viewer, detail, form.cleaned_data)
    except ApplicationError as exc:
        response = _render_detail(
            request, detail, bound=bound, error=exc.message, status=exc.status
        )
        return _with_retry_after(response, exc)
    messages.success(request, notice)
    return redirect(_detail_url(pk))


def _answer(viewer: User, detail: AskDetail, data: dict[str, Any]) -> str:
    services.ask_answer(ask_id=detail.ask.pk, member=viewer, body=data["body"])
    return f"Answer sent: only {detail.ask.author.get_full_name()} reads it."


def _refer(viewer: User, detail: AskDetail, data: dict[str, Any]) -> str:
    referred = User.objects.visible().filter(username=data["member"]).select_related("profile")
    member = referred.first()
    if member is None:
        raise ApplicationError("No such member.", code="not_found", status=404)
    services.ask_refer(ask_id=detail.ask.pk, referrer=viewer, referred=member, note=data["note"])
    return (
        f"You referred {member.get_full_name()}: you introduced them to"
        f" {detail.ask.author.get_full_name()}. They are connected once both accept."
    )


def _pass(viewer: User, detail: AskDetail, data: dict[str, Any]) -> str:
    recipients = list(User.objects.visible().filter(username__in=data["to"]))
    if len(recipients) != len(set(data["to"])):
        raise ApplicationError("No such member.", code="not_found", status=404)
    services.ask_pass(ask_id=detail.ask.pk, member=viewer, recipients=recipients)
    n = len(recipients)
    return f"Passed on to {n} {'person' if n == 1 else 'people'}."


def _close(viewer: User, detail: AskDetail, data: dict[str, Any]) -> str:
    helpers = list(User.objects.visible().filter(username__in=data["helpers"]))
    services.ask_close(ask_id=detail.ask.pk, member=viewer, solved=data["solved"], helpers=helpers)
    thanked = f" {len(helpers)} thanked." if helpers else ""
    return f"Your ask is closed.{thanked}"


def _posted(request: HttpRequest, name: str) -> list[tuple[str, str]]:
    return [(value, value) for value in request.POST.getlist(name)]


def _people_form(
    form_class: Callable[..., forms.Form], people: Callable[[], list[tuple[str, str]]]
) -> Callable[[Any], forms.Form]:
    return lambda data: form_class(data, people=people())


@require_POST
def ask_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _answer, AnswerForm, "answer_form")


@require_POST
def ask_refer(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = page_member(request)
    detail = _load(viewer, pk)
    # The choices are the referrer's connections. For someone who may not refer (or not any
    # more) the service itself refuses, with its status and reason, not the form.
    people = _refer_choices(viewer, detail) if detail.can_refer else _posted(request, "member")
    return _act(request, pk, _refer, _people_form(ReferForm, lambda: people), "refer_form")


@require_POST
def ask_pass(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = page_member(request)
    detail = _load(viewer, pk)
    people = _pass_choices(viewer, detail) if detail.can_pass else _posted(request, "to")
    return _act(request, pk, _pass, _people_form(PassForm, lambda: people), "pass_form")


@require_POST
def ask_close(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = page_member(request)
    detail = _load(viewer, pk)
    people = _helper_choices(detail) if detail.can_close else _posted(request, "helpers")
    return _act(request, pk, _close, _people_form(CloseForm, lambda: people), "close_form")
