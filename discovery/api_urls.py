from django.urls import URLPattern, URLResolver, path

from discovery import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("suggestions/", api.SuggestionListApi.as_view(), name="api-suggestions"),
    path(
        "suggestions/<str:handle>/dismiss/",
        api.SuggestionDismissApi.as_view(),
        name="api-suggestion-dismiss",
    ),
    path("network/at/", api.WhoAtApi.as_view(), name="api-network-at"),
    path("network/at/via/<str:handle>/", api.WhoAtViaApi.as_view(), name="api-network-at-via"),
]
