from django.urls import URLPattern, URLResolver, include, path

from profiles import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", api.AuthTokenApi.as_view(), name="api-auth-token"),
    path("me/", api.MeApi.as_view(), name="api-me"),
    path("me/photo/", api.MePhotoApi.as_view(), name="api-me-photo"),
    path("profiles/", api.ProfileSearchApi.as_view(), name="api-profile-search"),
    path("profiles/<str:handle>/", api.ProfileDetailApi.as_view(), name="api-profile-detail"),
    path("", include("connections.api_urls")),
    path("", include("introductions.api_urls")),
    path("", include("recommendations.api_urls")),
    path("", include("discovery.api_urls")),
    path("", include("asks.api_urls")),
    path("", include("reach.api_urls")),
    path("", include("digest.api_urls")),
    path("", include("moderation.api_urls")),
    path("", include("developers.api_urls")),
    path("", include("privacy.api_urls")),
]
