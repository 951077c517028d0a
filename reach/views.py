"""The reach dashboard (/network/reach/) and a bucket's people (/network/reach/members/)."""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from common.views import page_member
from profiles.models import User
from reach import charts, selectors, services
from reach.forms import BY_CHOICES, BucketForm, ReachFilterForm

PAGE_SIZE = 20


def members_url(by: str, value: str, degree: int) -> str:
    query = urlencode({"by": by, "value": value, "degree": degree})
    return f"{reverse('reach-members')}?{query}"


def _dashboard_context(member: User, by: str) -> dict[str, Any]:
    state = services.reach_for_viewer(member=member)
    data = state.data
    buckets = data.get("buckets", {}).get(by, []) if state.has_data else []
    return {
        "state": state,
        "by": by,
        "by_label": dict(BY_CHOICES)[by],
        "tabs": [(value, label, value == by) for value, label in BY_CHOICES],
        "totals": data.get("totals", {}),
        "not_given": data.get("not_given", {}).get(by),
        "bucket_count": data.get("bucket_count", {}).get(by, 0),
        "chart": charts.bar_chart(
            buckets, url_for=lambda value, degree: members_url(by, value, degree)
        )
        if buckets
        else None,
        "growth": charts.growth_charts(selectors.history_of(member.pk)) if state.has_data else [],
    }


def reach_dashboard(request: HttpRequest) -> HttpResponse:
    """Your network by industry, company or location and degree, what you can reach through
    brokers active lately, and how your network grew. While the first computation runs,
    the page says so and polls (htmx) until it is ready."""
    form = ReachFilterForm(request.GET)
    by = form.by_or_default()
    context = _dashboard_context(page_member(request), by)
    context["form"] = form
    status = 400 if form.errors else 200
    return render(request, "reach/dashboard.html", context, status=status)


def reach_status(request: HttpRequest) -> HttpResponse:
    """The dashboard's body, polled while a computation is on its way."""
    form = ReachFilterForm(request.GET)
    context = _dashboard_context(page_member(request), form.by_or_default())
    return render(request, "reach/_dashboard.html", context)


def reach_members(request: HttpRequest) -> HttpResponse:
    """The people of one bucket at one degree, as you may see them (name and headline),
    with the connections who can introduce you. Reachable through an active broker first."""
    member = page_member(request)
    form = BucketForm(request.GET)
    if not form.is_valid():
        return render(request, "reach/members.html", {"form": form}, status=400)
    by, value, degree = (
        form.cleaned_data["by"],
        form.cleaned_data["value"],
        form.cleaned_data["degree"],
    )
    page_number = form.cleaned_data["page"] or 1
    page = selectors.bucket_members(
        viewer_id=member.pk,
        by=by,
        value=value,
        degree=degree,
        offset=(page_number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    label = selectors.bucket_label(selectors.summary_of(member.pk), by, value) or value
    pages = -(-page.total // PAGE_SIZE) if page.total else 0
    base = {"by": by, "value": value, "degree": degree}
    return render(
        request,
        "reach/members.html",
        {
            "form": form,
            "by": by,
            "by_label": dict(BY_CHOICES)[by],
            "value": value,
            "label": label,
            "degree": degree,
            "page": page,
            "page_number": page_number,
            "pages": pages,
            "previous_url": (
                f"{reverse('reach-members')}?{urlencode({**base, 'page': page_number - 1})}"
                if page_number > 1
                else None
            ),
            "next_url": (
                f"{reverse('reach-members')}?{urlencode({**base, 'page': page_number + 1})}"
                if page_number < pages
                else None
            ),
            "degree_links": [(d, members_url(by, value, d), d == degree) for d in (1, 2, 3)],
            "first_url": members_url(by, value, degree),
            "dashboard_url": f"{reverse('reach')}?{urlencode({'by': by})}",
        },
    )
