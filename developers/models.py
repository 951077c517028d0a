from django.conf import settings
from django.db import models
from oauth2_provider.settings import oauth2_settings


class AppAuthorization(models.Model):
    """A member's consent to an OAuth app, from the consent page until they revoke it.

    django-oauth-toolkit keeps the grants and tokens; this row is what the member
    sees in Settings → Apps (what they granted, when, when the app last used it)
    and the gate every app request passes: a token whose authorization is gone
    is refused, even one minted a moment after the revocation.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_authorizations"
    )
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="member_authorizations",
    )
    # Space-separated: every scope granted since the first consent. Tokens from an
    # earlier consent stay valid, so the member sees the union of what they allowed.
    scope = models.TextField()
    granted_at = models.DateTimeField(help_text="The latest consent.")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "application"], name="app_authorization_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → app {self.application_id}"

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()
