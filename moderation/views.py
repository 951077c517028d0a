"""The report page: /report/<type>/<id>/ (a profile by handle, anything else by id)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from common.exceptions import ApplicationError
from common.views import page_member
from moderation import services, targets
from moderation.forms import ReportForm
from moderation.models import TargetType


def report(request: HttpRequest, target_type: str, target_id: str) -> HttpResponse:
    """GET: what you are reporting and why. POST: send it (htmx swaps the card in place).

    Something you cannot see (or that does not exist) is the site's one 404 page.
    """
    member = page_member(request)
    try:
        target = targets.for_reporter(target_type, target_id, member)
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404("Nothing to report there.") from None
        return render(
            request,
            "moderation/report.html",
            {"problem": exc.message, "target": None},
            status=exc.status,
        )
    context: dict[str, object] = {
        "target": target,
        "show_text": target.type != TargetType.PROFILE and bool(target.text),
        "is_profile": target.type == TargetType.PROFILE,
        "existing": services.open_report_of(
            reporter=member, target_type=target.type, target_id=target.id
        ),
    }
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and context["existing"] is None:
        status = 400
        if form.is_valid():
            try:
                context["done"] = services.report_create(
                    reporter=member,
                    target_type=target.type,
                    target_id=target_id,
                    reason=form.cleaned_data["reason"],
                    details=form.cleaned_data["details"],
                )
                status = 200
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
    context["form"] = form
    htmx = bool(getattr(request, "htmx", False))
    template = "moderation/_report_card.html" if htmx else "moderation/report.html"
    return render(request, template, context, status=status)
