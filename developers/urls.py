from django.urls import URLPattern, URLResolver, include, path

from developers import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("developers.oauth_urls")),
    path("developers/apps/", views.developer_apps, name="developer-apps"),
    path("developers/apps/<int:pk>/", views.developer_app, name="developer-app"),
    path(
        "developers/apps/<int:pk>/secret/",
        views.developer_app_secret,
        name="developer-app-secret",
    ),
    path(
        "developers/apps/<int:pk>/delete/",
        views.developer_app_delete,
        name="developer-app-delete",
    ),
    path("settings/apps/", views.authorized_apps, name="settings-apps"),
    path(
        "settings/apps/<int:pk>/revoke/",
        views.authorized_app_revoke,
        name="settings-app-revoke",
    ),
    path("settings/tokens/", views.api_tokens, name="settings-tokens"),
    path(
        "settings/tokens/<int:pk>/revoke/",
        views.api_token_revoke,
        name="settings-token-revoke",
    ),
]
