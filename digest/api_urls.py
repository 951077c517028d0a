from django.urls import URLPattern, URLResolver, path

from digest import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("keep-in-touch/", api.KeepInTouchListApi.as_view(), name="api-keep-in-touch"),
    path(
        "keep-in-touch/<str:handle>/",
        api.KeepInTouchDetailApi.as_view(),
        name="api-keep-in-touch-detail",
    ),
    path(
        "keep-in-touch/<str:handle>/touch/",
        api.KeepInTouchTouchApi.as_view(),
        name="api-keep-in-touch-touch",
    ),
    path("me/digest/", api.DigestPreferenceApi.as_view(), name="api-me-digest"),
    path("digest/", api.DigestApi.as_view(), name="api-digest"),
]
