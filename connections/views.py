from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from connections import emails, services
from profiles.models import User

INVITATION_SESSION_KEY = "linkup_invitation_token"


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
