from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common.exceptions import ApplicationError
from common.views import is_htmx, page_member
from privacy import selectors, services
from privacy.forms import DeleteAccountForm


def data_settings(request: HttpRequest) -> HttpResponse:
    """Download my data (with the state of the latest archive) and the way to delete."""
    member = page_member(request)
    return render(
        request,
        "privacy/data.html",
        {"latest": selectors.latest_export(member), "exports": selectors.recent_exports(member)},
    )


def export_state(request: HttpRequest) -> HttpResponse:
    """The htmx fragment that polls while an archive is being prepared."""
    return render(
        request,
        "privacy/_export_state.html",
        {"latest": selectors.latest_export(page_member(request))},
    )


@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    member = page_member(request)
    try:
        services.export_request(member=member)
    except ApplicationError as error:
        if is_htmx(request):
            return render(
                request,
                "privacy/_export_state.html",
                {"latest": selectors.latest_export(member), "error": error.message},
                status=error.status,
            )
        messages.error(request, error.message)
        return redirect("settings-data")
    if is_htmx(request):
        return render(
            request, "privacy/_export_state.html", {"latest": selectors.latest_export(member)}
        )
    messages.success(request, "We are preparing your archive. This page shows its progress.")
    return redirect("settings-data")


def export_download(request: HttpRequest, export_id: int) -> FileResponse:
    try:
        export = services.export_for_download(member=page_member(request), export_id=export_id)
    except ApplicationError:
        raise Http404("No such archive, or it has expired.") from None
    return FileResponse(
        services.export_path(export).open("rb"),
        as_attachment=True,
        filename=f"linkup-data-{export.finished_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )


def account_delete(request: HttpRequest) -> HttpResponse:
    member = page_member(request)
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(
                member=member,
                password=form.cleaned_data["password"],
                confirm=form.cleaned_data["confirm"],
            )
        except ApplicationError as error:
            for field, problems in error.extra.get("fields", {}).items():
                for problem in problems:
                    form.add_error(field, problem)
            if not form.errors:
                form.add_error(None, error.message)
        else:
            logout(request)
            return redirect("account-deleted")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "privacy/delete.html",
        {"form": form, "connections": selectors.connection_count(member)},
        status=status,
    )


@login_not_required
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/deleted.html")
