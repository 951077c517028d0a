"""Pages: developers register OAuth apps; members review and revoke apps and personal tokens.

Secrets (a client secret, a personal token) appear once, in the response to the
POST that made them, never stored in clear and never shown again; those
responses are not cached.
"""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from oauth2_provider.models import AbstractApplication

from common.exceptions import ApplicationError
from common.views import page_member
from developers import selectors, services
from developers.forms import ApiTokenForm, ApplicationForm, ApplicationRegisterForm
from developers.scopes import describe
from profiles import services as profile_services


def _own_app(request: HttpRequest, pk: int) -> AbstractApplication:
    application = selectors.developer_application(owner=page_member(request), pk=pk)
    if application is None:
        raise Http404
    return application


# --- developers: OAuth apps ----------------------------------------------------------


@never_cache
def developer_apps(request: HttpRequest) -> HttpResponse:
    """My OAuth apps, and a form to register one (its secret is shown once, here)."""
    member = page_member(request)
    form = ApplicationRegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application, secret = services.application_register(
                owner=member,
                name=form.cleaned_data["name"],
                redirect_uris=form.cleaned_data["redirect_uris"],
                client_type=form.cleaned_data["client_type"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{application.name} is registered.")
            return _render_app(request, application, secret=secret, status=201)
    apps = selectors.developer_applications(owner=member)
    status = 400 if request.method == "POST" else 200
    return render(request, "developers/apps.html", {"apps": apps, "form": form}, status=status)


def _render_app(
    request: HttpRequest,
    application: AbstractApplication,
    *,
    form: ApplicationForm | None = None,
    secret: str = "",
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = ApplicationForm(
            initial={
                "name": application.name,
                "redirect_uris": "\n".join(application.redirect_uris.split()),
            }
        )
    context = {"app": application, "form": form, "secret": secret}
    return render(request, "developers/app.html", context, status=status)


@never_cache
def developer_app(request: HttpRequest, pk: int) -> HttpResponse:
    """One of my apps: its client id, its settings, a new secret, deletion."""
    application = _own_app(request, pk)
    if request.method != "POST":
        return _render_app(request, application)
    form = ApplicationForm(request.POST)
    if form.is_valid():
        try:
            services.application_update(
                application=application,
                name=form.cleaned_data["name"],
                redirect_uris=form.cleaned_data["redirect_uris"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Saved.")
            return redirect("developer-app", pk=application.pk)
    return _render_app(request, application, form=form, status=400)


@never_cache
@require_POST
def developer_app_secret(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_app(request, pk)
    try:
        secret = services.application_new_secret(application=application)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("developer-app", pk=application.pk)
    messages.success(request, "A new client secret replaces the old one, which no longer works.")
    return _render_app(request, application, secret=secret)


@require_POST
def developer_app_delete(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_app(request, pk)
    name = application.name
    services.application_delete(application=application)
    messages.success(request, f"{name} is deleted; every member's access through it ended.")
    return redirect("developer-apps")


# --- members: authorized apps -------------------------------------------------------------


def authorized_apps(request: HttpRequest) -> HttpResponse:
    """The apps I allowed: what each may do, since when, when it last used it; Revoke."""
    authorizations = list(selectors.authorized_apps(member=page_member(request)))
    rows = [(authorization, describe(authorization.scope)) for authorization in authorizations]
    return render(request, "developers/authorized_apps.html", {"rows": rows})


@require_POST
def authorized_app_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    member = page_member(request)
    if services.app_authorization_revoke(member=member, authorization_id=pk):
        messages.success(request, "Access revoked. The app can no longer use your account.")
    return redirect("settings-apps")


# --- members: personal API tokens -----------------------------------------------------------


@never_cache
def api_tokens(request: HttpRequest) -> HttpResponse:
    """My personal API tokens (never their keys) and a form to create one (key shown once)."""
    member = page_member(request)
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    key = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            days = form.cleaned_data["expires_in_days"]
            _, key = profile_services.api_token_create(
                user=member,
                name=form.cleaned_data["name"],
                ttl=timedelta(days=days) if days else None,
            )
            form = ApiTokenForm()
            status = 201
        else:
            status = 400
    context = {
        "tokens": selectors.api_tokens(member=member),
        "form": form,
        "key": key,
        "now": timezone.now(),
    }
    return render(request, "developers/tokens.html", context, status=status)


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token(member=page_member(request), pk=pk)
    if token is not None and profile_services.api_token_revoke(token=token):
        messages.success(request, f"{token.name} is revoked; it no longer works.")
    return redirect("settings-tokens")
