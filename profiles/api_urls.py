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
]
