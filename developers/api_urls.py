from django.urls import URLPattern, URLResolver, path

from developers import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/tokens/", api.ApiTokenListApi.as_view(), name="api-auth-tokens"),
    path(
        "auth/tokens/<int:token_id>/",
        api.ApiTokenDetailApi.as_view(),
        name="api-auth-token-detail",
    ),
]
