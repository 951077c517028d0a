"""django-oauth-toolkit's endpoints that LinkUp serves (in its "oauth2_provider" namespace).

Only the authorization-code flow: authorize (the consent page), token, revoke, and
the RFC 8414 metadata document. The toolkit's own app-management and token pages
are replaced by /developers/apps/ and /settings/apps/.
"""

from django.urls import URLPattern, path
from oauth2_provider import views

app_name = "oauth2_provider"

urlpatterns: list[URLPattern] = [
    path(
        ".well-known/oauth-authorization-server",
        views.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    path("oauth/authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("oauth/token/", views.TokenView.as_view(), name="token"),
    path("oauth/revoke/", views.RevokeTokenView.as_view(), name="revoke-token"),
]
