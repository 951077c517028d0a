"""Discovery pages: "People you may know" (with a home-page panel) and "Who do I know at …?".

Suggestions are read as stored (one query); the first visit asks a worker for them
and the page polls (htmx) until they are there. Connect and "Don't know them" are
plain form POSTs that redirect; under htmx they swap the row in place.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common.exceptions import ApplicationError
from common.views import is_htmx, page_member
from connections import services as connection_services
from discovery import selectors, services
from discovery.forms import WhoAtForm
from discovery.models import SuggestionState
from profiles.models import User

PAGE_SIZE = 20
PANEL_SIZE = 3
GROUPS_PER_PAGE = 10
PER_GROUP = 5
VIA_PAGE_SIZE = 20
# Polling for a first computation stops after this many tries (about a minute).
MAX_TRIES = 30


def _number(value: str | None, *, least: int) -> int:
    try:
        return max(least, int(value or least))
    except ValueError:
        return least


# -- people you may know ---------------------------------------------------------------


def _suggestions(request: HttpRequest, state: SuggestionState, *, size: int) -> dict[str, object]:
    viewer = page_member(request)
    if not state.ready:
        tries = _number(request.GET.get("tries"), least=0)
        return {"pending": True, "tries": tries + 1, "gave_up": tries >= MAX_TRIES}
    number = _number(request.GET.get("page"), least=1)
    page = selectors.suggestions_page(viewer, page=number, size=size)
    return {"pending": False, "page": page, "state": state}


def discover(request: HttpRequest) -> HttpResponse:
    """People you may know: suggestions as last computed, minus whoever changed since."""
    viewer = page_member(request)
    state = services.suggestions_visit(member=viewer, state=selectors.suggestion_state(viewer))
    return render(request, "discovery/pymk.html", _suggestions(request, state, size=PAGE_SIZE))


def suggestions_list(request: HttpRequest) -> HttpResponse:
    """The list alone: what the "finding people…" state polls, and its pages under htmx."""
    viewer = page_member(request)
    state = selectors.suggestion_state(viewer) or services.suggestions_visit(
        member=viewer, state=None
    )
    return render(
        request, "discovery/_suggestions.html", _suggestions(request, state, size=PAGE_SIZE)
    )


def panel(request: HttpRequest) -> HttpResponse:
    """The home page's panel: the best few suggestions (loaded by htmx after the page)."""
    viewer = page_member(request)
    state = services.suggestions_visit(member=viewer, state=selectors.suggestion_state(viewer))
    return render(request, "discovery/_panel.html", _suggestions(request, state, size=PANEL_SIZE))


def _candidate(viewer: User, handle: str) -> User:
    member = (
        User.objects.visible().select_related("profile").filter(username=handle.lower()).first()
    )
    if member is None or (
        member.pk != viewer.pk and connection_services.is_blocked_between(viewer.pk, member.pk)
    ):
        raise Http404("No such member.")
    return member


def _done(
    request: HttpRequest, member: User, *, notice: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "discovery/_suggestion_done.html",
        {"member": member, "notice": notice, "error": error},
        status=status,
    )


@require_POST
def suggestion_connect(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = page_member(request)
    member = _candidate(viewer, handle)
    name = member.profile.full_name
    try:
        outcome = connection_services.connection_request_create(sender=viewer, recipient=member)
    except ApplicationError as exc:
        if is_htmx(request):
            return _done(request, member, error=exc.message, status=exc.status)
        messages.error(request, exc.message)
        return redirect("discover")
    notice = f"You are now connected with {name}." if outcome.connected else "Request sent."
    if is_htmx(request):
        return _done(request, member, notice=notice)
    messages.success(request, notice if outcome.connected else f"Request sent to {name}.")
    return redirect("discover")


@require_POST
def suggestion_dismiss(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = page_member(request)
    try:
        services.pymk_dismiss(member=viewer, handle=handle)
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404("No such member.") from None
        if is_htmx(request):
            return HttpResponse(exc.message, status=exc.status)
        messages.error(request, exc.message)
        return redirect("discover")
    member = _candidate(viewer, handle)
    notice = f"We won't suggest {member.profile.full_name} again."
    if is_htmx(request):
        return _done(request, member, notice=notice)
    messages.success(request, notice)
    return redirect("discover")


# -- who do I know at … ----------------------------------------------------------------


def who_at(request: HttpRequest) -> HttpResponse:
    """Who do I know at a company, a school or in an industry: the 2nd and 3rd degree
    there, grouped by the connection who can introduce, each a click from a request."""
    viewer = page_member(request)
    form = WhoAtForm(request.GET if request.GET else None)
    names = selectors.popular_names_all()
    if not names["company"] and not names["school"]:
        services.directory_schedule_refresh()
    context: dict[str, object] = {"form": form, "names": names}
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and (place := form.place()):
        result = selectors.who_you_know(viewer, kind=place[0], value=place[1])
        context["result"] = result
        via_handle = form.cleaned_data["via"]
        if via_handle:
            via = selectors.introducer_for(viewer, via_handle)
            if via is None:
                raise Http404("No such connection.")
            group = result.group_of(via.pk) or selectors.Group(via.pk)
            members = Paginator(group.members, VIA_PAGE_SIZE).get_page(request.GET.get("page"))
            start = (members.number - 1) * VIA_PAGE_SIZE
            shown, _ = selectors.shown_groups([group], per_group=VIA_PAGE_SIZE, offset=start)
            context.update(page=members, groups=shown, via=via, first_profiles=[])
        else:
            page = Paginator(result.groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
            shown, first_profiles = selectors.shown_groups(
                list(page.object_list), per_group=PER_GROUP, also=result.first[:10]
            )
            context.update(page=page, groups=shown, first_profiles=first_profiles)
    return render(request, "discovery/who_at.html", context, status=status)
