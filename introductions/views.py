"""Introduction pages: get introduced, the inbox tabs, one introduction, offers, broker settings.

Every page shows an introduction only as `introductions.selectors.introduction_view` lets
the viewer see it (no note meant for another broker, no name of a later broker who
declined, an invited address only to whoever gave it). Every action is a plain form POST
that redirects, so the pages work without JavaScript; under htmx the same endpoint answers
with the partial it replaces. Refusals keep the service's status code (400/403/404/409/429)
and come back as form errors; base.html lets htmx swap those in.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.exceptions import ApplicationError
from common.views import is_htmx, page_member
from connections import graph
from connections import selectors as connection_selectors
from connections.services import is_blocked_between
from introductions import selectors, services
from introductions.forms import (
    BrokerDeclineForm,
    BrokerSettingsForm,
    ForwardForm,
    IntroductionRequestForm,
    OfferForm,
    OutcomeForm,
    ReportForm,
)
from introductions.models import OPEN_STATES, Hop, Introduction, MessageReport
from introductions.selectors import IntroductionView
from profiles import selectors as profile_selectors
from profiles.models import Profile, User

Status = Introduction.Status
Kind = Introduction.Kind
PAGE_SIZE = 20
PATHS_SHOWN = 10


def _retry_after(response: HttpResponse, exc: ApplicationError) -> HttpResponse:
    retry_after = exc.extra.get("retry_after")
    if exc.status == 429 and retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _detail_url(pk: int) -> str:
    return reverse("introduction-detail", args=[pk])


# -- reads the pages need (candidates for introductions.selectors) -------------------


def _with_hops(qs: QuerySet[Introduction]) -> QuerySet[Introduction]:
    return qs.prefetch_related(
        Prefetch(
            "hops", queryset=Hop.objects.select_related("broker__profile").order_by("position")
        )
    )


# -- what a page shows of one introduction --------------------------------------------


@dataclass
class PathNode:
    """One person along requester → broker(s) → target, as the viewer may know them."""

    label: str
    profile: Profile | None = None
    # forwarded, current, next, declined, hidden, closed, introducer ("" for the two ends)
    state: str = ""
    is_viewer: bool = False


@dataclass
class Shown:
    """An introduction as one page shows it to its viewer, derived from the viewer's
    IntroductionView, never from more of the model than that."""

    view: IntroductionView
    title: str
    label: str
    tone: str
    other: Profile | None  # the person on the other side for this viewer
    other_label: str
    people: list[tuple[Profile | None, str]]  # the cards on the page: (profile, or a label)
    progress: str
    waiting: str
    path: list[PathNode]
    requester_name: str
    target_name: str
    broker_name: str  # who introduced (an offer's broker, or the first broker)
    endorsements: list[tuple[str, str]] = field(default_factory=list)
    my_note: str = ""
    asked_by: str = ""  # for a broker: who passed it to them
    forward_hint: str = ""
    is_offer: bool = False
    is_author: bool = False  # the viewer wrote the message: nothing to report
    outcomes: list[tuple[str, str]] = field(default_factory=list)  # for brokers


TONES: dict[str, str] = {
    Status.OPEN: "pending",
    Status.AT_TARGET: "waiting",
    Status.ACCEPTED: "ok",
}


def _profile(user: User | None) -> Profile | None:
    return getattr(user, "profile", None) if user is not None else None


def present(view: IntroductionView, viewer: User) -> Shown:
    intro = view.introduction
    is_offer = intro.kind == Kind.OFFER

    def name(user: User | None, fallback: str = "A LinkUp member") -> str:
        if user is None:
            return fallback
        if user.pk == viewer.pk:
            return "You"
        profile = _profile(user)
        return profile.full_name if profile else fallback

    requester = name(view.requester)
    if view.target is not None:
        target = name(view.target)
    elif view.target_email:
        target = view.target_email
    else:
        target = "someone invited by e-mail"
    first_hop = view.hops[0] if view.hops and view.hops[0].position == 0 else None
    broker = name(first_hop.broker if first_hop else None, "a connection")

    # The path, as far as the viewer may know it. An offer reads "first – broker – second".
    path = [
        PathNode(requester, _profile(view.requester), is_viewer=view.role == "requester"),
    ]
    for hop in view.hops:
        if is_offer and hop.broker is not None:
            path.append(
                PathNode(
                    name(hop.broker),
                    _profile(hop.broker),
                    "introducer",
                    hop.broker.pk == viewer.pk,
                )
            )
            continue
        if hop.broker is None:  # the selector does not let the viewer know who
            path.append(PathNode("A LinkUp member", None, "hidden"))
            continue
        state = hop.status
        if hop.status == Hop.Status.WAITING:
            state = "current" if hop.position == intro.current_hop else "next"
        path.append(
            PathNode(name(hop.broker), _profile(hop.broker), state, hop.broker.pk == viewer.pk)
        )
    path.append(
        PathNode(
            target,
            _profile(view.target) if view.target is not None else None,
            is_viewer=view.role == "target",
        )
    )

    def mid(text: str) -> str:
        return "you" if text == "You" else text

    forwarded = [
        mid(name(h.broker))
        for h in view.hops
        if h.status == Hop.Status.FORWARDED and h.broker is not None
    ]
    by = " and ".join(forwarded)
    progress = ""
    if is_offer:
        pass  # the title says who introduced whom
    elif view.status == Status.OPEN:
        current = next(
            (h for h in view.hops if h.position == intro.current_hop and h.broker is not None),
            None,
        )
        if current is not None and current.broker is not None:
            with_ = mid(name(current.broker))
            if current.broker.pk == viewer.pk:
                progress = f"Forwarded by {by} to you" if by else ""
            else:
                progress = f"Forwarded by {by} to {with_}" if by else f"With {with_}"
    elif view.status in (Status.AT_TARGET, Status.ACCEPTED, Status.NOT_ACCEPTED) and by:
        progress = f"Forwarded by {by} to {mid(target)}"
    elif view.status == Status.NOT_FORWARDED:
        declined = next((h for h in view.hops if h.status == Hop.Status.DECLINED), None)
        if declined is not None and declined.broker is not None:
            who = name(declined.broker)
            progress = "You did not forward it" if who == "You" else f"{who} did not forward it"
        elif by:
            progress = f"Forwarded by {by}, then not forwarded"

    waiting = ""
    if view.status == Status.AT_TARGET:
        waiting = _waiting(view, requester=requester, target=target)

    if is_offer:
        titles = {
            "broker": f"You introduced {requester} and {target}",
            "requester": f"{broker} introduced you to {target}",
            "target": f"{broker} introduced you to {requester}",
        }
    else:
        titles = {
            "requester": f"Your introduction to {target}",
            "broker": f"{requester} asks to meet {target}",
            "target": f"{requester} would like to meet you",
        }
    if view.role == "requester":
        other, other_label = _profile(view.target), target
    else:
        other, other_label = _profile(view.requester), requester
    people = [(other, other_label)]
    if view.role == "broker":  # the broker sees both sides
        people.append((_profile(view.target), target))
    label = view.status_label
    if is_offer and view.role == "broker" and view.status == Status.AT_TARGET:
        label = "Waiting for answers"

    my_hop = next((h for h in view.hops if h.broker is not None and h.broker.pk == viewer.pk), None)
    asked_by, my_note, forward_hint = requester, "", ""
    if my_hop is not None:
        before = next((h for h in view.hops if h.position == my_hop.position - 1), None)
        if my_hop.position > 0:
            asked_by = name(before.broker if before else None)
        after = next((h for h in view.hops if h.position == my_hop.position + 1), None)
        if after is not None:
            nxt = name(after.broker)
            forward_hint = (
                f"{asked_by} asked you because you know {nxt}. If you forward it, {nxt}"
                f" decides whether to pass it on to {target}."
            )
        else:
            forward_hint = (
                f"{asked_by} asked you because you know {target}. If you forward it,"
                f" {target} reads the message with your words."
            )
        # A later broker's note is the previous broker's endorsement, shown already.
        if my_hop.note and not (before is not None and before.endorsement == my_hop.note):
            my_note = my_hop.note
    if not is_offer:
        author_id: int | None = view.requester.pk
    else:
        author_id = first_hop.broker.pk if first_hop and first_hop.broker else None
    return Shown(
        view=view,
        title=titles[view.role],
        label=label,
        tone=TONES.get(view.status, "closed"),
        other=other,
        other_label=other_label,
        people=people,
        progress=progress,
        waiting=waiting,
        path=path,
        requester_name=requester,
        target_name=target,
        broker_name=broker,
        endorsements=[]
        if is_offer
        else [(name(h.broker), h.endorsement) for h in view.hops if h.endorsement],
        my_note=my_note,
        asked_by=asked_by,
        forward_hint=forward_hint,
        is_offer=is_offer,
        is_author=author_id == viewer.pk,
        outcomes=_outcomes(view, requester=requester, target=target),
    )


def _outcomes(view: IntroductionView, *, requester: str, target: str) -> list[tuple[str, str]]:
    """For the broker: what each side said came of their introduction."""
    if view.role != "broker" or view.status != Status.ACCEPTED:
        return []
    names = {view.requester.pk: requester}
    if view.target is not None:
        names[view.target.pk] = target
    return [
        (names.get(o.member_id, "They"), o.get_result_display())
        for o in view.introduction.outcomes.all()
    ]


def _waiting(view: IntroductionView, *, requester: str, target: str) -> str:
    """Who an introduction waiting for answers waits for, by name."""
    intro = view.introduction
    if intro.kind == Kind.REQUEST:
        return "" if view.role == "target" else f"Waiting for {target} to accept"
    if view.target is None:
        return f"Waiting for {target} to join LinkUp and accept"
    # An offer: both must accept (double opt-in).
    first_done = intro.requester_accepted_at is not None
    second_done = intro.target_accepted_at is not None
    if view.role == "broker":
        pending = [n for n, done in ((requester, first_done), (target, second_done)) if not done]
        return f"Waiting for {' and '.join(pending)} to accept"
    mine, theirs = (
        (first_done, second_done) if view.role == "requester" else (second_done, first_done)
    )
    other = target if view.role == "requester" else requester
    if mine:
        return f"You accepted: waiting for {other} to accept"
    return f"{other} has accepted: waiting for you" if theirs else f"Waiting for you and {other}"


# -- loading one introduction: the same 404 for missing, foreign and hidden ----------


def _load(viewer: User, pk: int) -> IntroductionView:
    """The introduction as `viewer` may see it, or the 404 of a missing one: for someone
    who takes no part in it, or whom it has not reached yet (the selector decides), and
    when its other side is hidden from the viewer (a block, a suspension)."""
    introduction = (
        _with_hops(Introduction.objects.filter(pk=pk))
        .select_related("requester__profile", "target__profile")
        .prefetch_related("outcomes")
        .first()
    )
    view = selectors.introduction_view(introduction, viewer) if introduction else None
    if view is None:
        raise Http404("No such introduction.")
    hidden = selectors.hidden_from(viewer)
    sides = [m for m in (view.requester, view.target) if m is not None and m.pk != viewer.pk]
    if any(m.pk in hidden or m.is_suspended or not m.is_active for m in sides):
        raise Http404("No such introduction.")
    return view


# -- get introduced ------------------------------------------------------------------


def _target_profile(viewer: User, handle: str) -> Profile:
    profile = (
        profile_selectors.visible_profiles()
        .select_related("user")
        .filter(user__username=handle.lower())
        .first()
    )
    if profile is None or (
        profile.user_id != viewer.pk and is_blocked_between(viewer.pk, profile.user_id)
    ):
        raise Http404("No such member.")
    return profile


def introduction_request(request: HttpRequest, handle: str) -> HttpResponse:
    """Ask to be introduced to a 2nd- or 3rd-degree member: choose a broker (or a chain of
    two along a real path), write a message for them and a private note for the broker."""
    viewer = page_member(request)
    target = _target_profile(viewer, handle)
    if target.user_id == viewer.pk:
        return redirect("profile-detail", handle=target.user.username)
    degree = graph.closeness(viewer.pk, [target.user_id])[target.user_id].degree
    candidates: list[selectors.BrokerCandidate] = []
    paths: list[list[Profile]] = []
    members: dict[int, User] = {}
    choices: list[tuple[str, str]] = []
    if degree == 2:
        candidates = selectors.broker_candidates(requester=viewer, target=target.user)
        members = {c.member.pk: c.member for c in candidates}
        choices = [(str(c.member.pk), c.member.get_full_name()) for c in candidates]
    elif degree == 3:
        paths = connection_selectors.paths_between(viewer.pk, target.user_id, limit=PATHS_SHOWN)
        members = {p.user_id: p.user for path in paths for p in path}
        choices = [
            (",".join(str(p.user_id) for p in path), " → ".join(p.full_name for p in path))
            for path in paths
        ]
    open_one = (
        Introduction.objects.filter(requester=viewer, target=target.user, status__in=OPEN_STATES)
        .only("pk")
        .first()
    )
    # The best available broker (or the strongest path) is chosen to start with.
    best = next((str(c.member.pk) for c in candidates if c.available), None)
    if degree == 3 and choices:
        best = choices[0][0]
    # ?via= (from "Who do I know at…"): that broker or path if offered, else a path through
    # the same first broker.
    wanted, offered = request.GET.get("via", ""), [key for key, _ in choices]
    usable = [str(c.member.pk) for c in candidates if c.available] if degree == 2 else offered
    same_hop = [key for key in usable if wanted and key.split(",")[0] == wanted.split(",")[0]]
    best = wanted if wanted in usable else next(iter(same_hop), best)
    form = IntroductionRequestForm(request.POST or None, via_choices=choices, initial={"via": best})
    status, exc = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                introduction = services.introduction_request(
                    requester=viewer,
                    via=[members[i] for i in form.via_ids()],
                    target=target.user,
                    message=form.cleaned_data["message"],
                    note_to_broker=form.cleaned_data["note_to_broker"],
                )
            except ApplicationError as error:
                exc, status = error, error.status
                form.add_error(None, error.message)
            else:
                messages.success(request, "Your request is on its way.")
                return redirect(_detail_url(introduction.pk))
    response = render(
        request,
        "introductions/request.html",
        {
            "profile": target,
            "degree": degree,
            "candidates": candidates,
            "paths": list(zip(paths, (c[0] for c in choices), strict=False)) if degree == 3 else [],
            "form": form,
            "open_one": open_one,
            "open_count": selectors.open_count(viewer),
            "open_limit": services.OPEN_LIMIT,
        },
        status=status,
    )
    return _retry_after(response, exc) if exc else response


# -- the inbox: four tabs -------------------------------------------------------------

TABS = [
    ("waiting", "introductions", "Waiting for me"),
    ("requests", "introductions-requests", "My requests"),
    ("for-me", "introductions-for-me", "Introductions for me"),
    ("brokered", "introductions-brokered", "Your introductions"),
]

EMPTY = {
    "waiting": "Nothing is waiting for you. Requests to forward and introductions to answer"
    " show up here.",
    "requests": "You have not asked for an introduction yet. On the profile of someone at the"
    " 2nd or 3rd degree, press “Get introduced”.",
    "for-me": "No introductions for you yet.",
    "brokered": "You have not introduced anyone yet. Forward a request, or introduce two of"
    " your connections.",
}


def _tab_rows(member: User, tab: str) -> QuerySet[Introduction]:
    if tab == "waiting":
        return selectors.introductions_for(member).filter(selectors.waiting_for(member))
    if tab == "requests":
        return selectors.introductions_for(member, role="requester").filter(kind=Kind.REQUEST)
    if tab == "for-me":
        return selectors.introductions_for(member).filter(
            Q(target=member) | Q(requester=member, kind=Kind.OFFER)
        )
    return _with_hops(selectors.broker_history(member))


def _inbox(request: HttpRequest, tab: str) -> HttpResponse:
    member = page_member(request)
    page = Paginator(_tab_rows(member, tab), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for introduction in page.object_list:
        view = selectors.introduction_view(introduction, member)
        if view is not None:
            rows.append(present(view, member))
    return render(
        request,
        "introductions/inbox.html",
        {
            "tab": tab,
            "tabs": TABS,
            "page": page,
            "rows": rows,
            "empty": EMPTY[tab],
        },
    )


def inbox_waiting(request: HttpRequest) -> HttpResponse:
    return _inbox(request, "waiting")


def inbox_requests(request: HttpRequest) -> HttpResponse:
    return _inbox(request, "requests")


def inbox_for_me(request: HttpRequest) -> HttpResponse:
    return _inbox(request, "for-me")


def inbox_brokered(request: HttpRequest) -> HttpResponse:
    return _inbox(request, "brokered")


# -- one introduction and its actions --------------------------------------------------


def _render_detail(
    request: HttpRequest,
    view: IntroductionView,
    *,
    bound: dict[str, forms.Form] | None = None,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    viewer = page_member(request)
    shown = present(view, viewer)
    context: dict[str, Any] = {
        "s": shown,
        "v": view,
        "forward_form": ForwardForm(),
        "decline_form": BrokerDeclineForm(),
        "outcome_form": OutcomeForm(initial={"result": view.my_outcome or None}),
        "report_form": ReportForm(),
        "reported": not shown.is_author
        and MessageReport.objects.filter(
            introduction_id=view.introduction.pk, reporter=viewer
        ).exists(),
        "notice": notice,
        "error": error,
        "open_details": next(iter(bound), "") if bound else "",
    }
    context.update(bound or {})
    template = (
        "introductions/_introduction.html" if is_htmx(request) else "introductions/detail.html"
    )
    return render(request, template, context, status=status)


def introduction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _load(page_member(request), pk))


Run = Callable[[User, IntroductionView, dict[str, Any]], str]


def _act(
    request: HttpRequest,
    pk: int,
    run: Run,
    *,
    form_class: type[forms.Form] | None = None,
    form_name: str = "",
) -> HttpResponse:
    """Validate the form, call the service, and answer: the fresh partial under htmx, a
    redirect otherwise; on a refusal the same page or partial with the error and status."""
    viewer = page_member(request)
    view = _load(viewer, pk)  # 404 alike for missing, foreign and hidden
    form = form_class(request.POST) if form_class else None
    bound = {form_name: form} if form is not None else {}
    if form is not None and not form.is_valid():
        return _render_detail(request, view, bound=bound, status=400)
    try:
        notice = run(viewer, view, form.cleaned_data if form is not None else {})
    except ApplicationError as exc:
        response = _render_detail(request, view, bound=bound, error=exc.message, status=exc.status)
        return _retry_after(response, exc)
    if not is_htmx(request):
        messages.success(request, notice)
        return redirect(_detail_url(pk))
    return _render_detail(request, _load(viewer, pk), notice=notice)


def _first_name(user: User | None) -> str:
    return user.get_full_name() if user is not None else "them"


def _forward(viewer: User, view: IntroductionView, data: dict[str, Any]) -> str:
    pk = view.introduction.pk
    introduction = services.introduction_forward(
        introduction_id=pk, broker=viewer, endorsement=data["endorsement"]
    )
    if introduction.status == Status.AT_TARGET:
        who = _first_name(introduction.target) if introduction.target_id else "them"
        return f"Forwarded: {who} can now answer."
    return "Forwarded to the next connection along the path."


def _decline(viewer: User, view: IntroductionView, data: dict[str, Any]) -> str:
    pk = view.introduction.pk
    services.introduction_decline(introduction_id=pk, broker=viewer, reason=data["reason"])
    return "You did not forward it. They are told it was not forwarded."


def _accept(viewer: User, view: IntroductionView, data: dict[str, Any]) -> str:
    pk = view.introduction.pk
    introduction = services.introduction_accept(introduction_id=pk, member=viewer)
    other = introduction.requester if introduction.target_id == viewer.pk else introduction.target
    if introduction.status == Status.ACCEPTED:
        return f"You are now connected with {_first_name(other)}."
    return f"You accepted. Waiting for {_first_name(other)} to accept."


def _refuse(viewer: User, view: IntroductionView, data: dict[str, Any]) -> str:
    pk = view.introduction.pk
    services.introduction_decline_as_target(introduction_id=pk, member=viewer)
    return "You declined the introduction."


def _withdraw(viewer: User, view: IntroductionView, data: dict[str, Any]) -> str:
    pk = view.introduction.pk
    services.introduction_withdraw(introduction_id=pk, member=viewer)
    return "Withdrawn."


def _outcome(viewer: User, view: IntroductionView, data: dict[str, Any]) -> str:
    pk = view.introduction.pk
    services.outcome_record(introduction_id=pk, member=viewer, result=data["result"])
    return "Thank you: the outcome is saved."


def _report(viewer: User, view: IntroductionView, data: dict[str, Any]) -> str:
    pk = view.introduction.pk
    services.introduction_report(introduction_id=pk, reporter=viewer, reason=data["reason"])
    return "Reported. Moderators will look at it; the sender is not told who reported it."


@require_POST
def introduction_forward(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _forward, form_class=ForwardForm, form_name="forward_form")


@require_POST
def introduction_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _decline, form_class=BrokerDeclineForm, form_name="decline_form")


@require_POST
def introduction_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _accept)


@require_POST
def introduction_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _refuse)


@require_POST
def introduction_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _withdraw)


@require_POST
def introduction_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _outcome, form_class=OutcomeForm, form_name="outcome_form")


@require_POST
def introduction_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _report, form_class=ReportForm, form_name="report_form")


# -- introduce two of my connections ----------------------------------------------------

OFFER_FIELD_ERRORS = {"already_member": "second_email", "already_connected": "second"}


def introduction_offer(request: HttpRequest) -> HttpResponse:
    """Introduce two of my connections (or one of them and someone to invite by e-mail).
    Both must accept before they are connected."""
    viewer = page_member(request)
    rows = connection_selectors.connections_for_page(viewer, sort="name")
    people = {row.other.username: row.other for row in rows}
    choices = [(handle, user.profile.full_name) for handle, user in people.items()]
    preset = request.GET.get("with", "").lower()
    first = people.get(request.POST.get("first", preset) or "")
    form = OfferForm(
        request.POST or None,
        people=choices,
        initial={"first": first.username if first else ""},
    )
    status, exc = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                introduction = services.introduction_offer(
                    broker=viewer,
                    first=people[data["first"]],
                    second=people.get(data["second"]) if data["second"] else None,
                    second_email=data["second_email"] or "",
                    message=data["message"],
                )
            except ApplicationError as error:
                exc, status = error, error.status
                form.add_error(OFFER_FIELD_ERRORS.get(error.code), error.message)
            else:
                messages.success(request, "Introduction sent. They are connected once both accept.")
                return redirect(_detail_url(introduction.pk))
    response = render(
        request,
        "introductions/offer.html",
        {"form": form, "first": _profile(first), "has_connections": bool(people)},
        status=status,
    )
    return _retry_after(response, exc) if exc else response


# -- broker settings ----------------------------------------------------------------------


def broker_settings(request: HttpRequest) -> HttpResponse:
    """How many introduction requests I take in 30 days, for what, or a pause."""
    member = page_member(request)
    current = selectors.my_broker_settings(member)
    if request.method == "POST":
        form = BrokerSettingsForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.broker_settings_update(member=member, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "Broker settings saved.")
                return redirect("broker-settings")
    else:
        form = BrokerSettingsForm(
            initial={
                "capacity_per_month": current.capacity_per_month,
                "topics": current.topics,
                "paused": current.paused,
            }
        )
        status = 200
    return render(
        request,
        "introductions/broker_settings.html",
        {
            "form": form,
            "current": current,
            "load": len(services.broker_load(member.pk)),
        },
        status=status,
    )
