from django.urls import URLPattern, URLResolver, path

from recommendations import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("recommendations/", api.RecommendationListApi.as_view(), name="api-recommendations"),
    path(
        "recommendations/suggestions/",
        api.RecommendationSuggestionsApi.as_view(),
        name="api-recommendation-suggestions",
    ),
    path(
        "recommendations/<int:recommendation_id>/",
        api.RecommendationDetailApi.as_view(),
        name="api-recommendation-detail",
    ),
    path(
        "recommendations/<int:recommendation_id>/approve/",
        api.RecommendationApproveApi.as_view(),
        name="api-recommendation-approve",
    ),
    path(
        "recommendations/<int:recommendation_id>/accept/",
        api.RecommendationAcceptApi.as_view(),
        name="api-recommendation-accept",
    ),
    path(
        "recommendations/<int:recommendation_id>/hide/",
        api.RecommendationHideApi.as_view(),
        name="api-recommendation-hide",
    ),
    path(
        "recommendations/<int:recommendation_id>/show/",
        api.RecommendationShowApi.as_view(),
        name="api-recommendation-show",
    ),
    path(
        "recommendations/<int:recommendation_id>/revise/",
        api.RecommendationReviseApi.as_view(),
        name="api-recommendation-revise",
    ),
    path(
        "recommendations/<int:recommendation_id>/decline/",
        api.RecommendationDeclineApi.as_view(),
        name="api-recommendation-decline",
    ),
    path(
        "recommendations/<int:recommendation_id>/withdraw/",
        api.RecommendationWithdrawApi.as_view(),
        name="api-recommendation-withdraw",
    ),
    path(
        "recommendation-requests/",
        api.RecommendationRequestListApi.as_view(),
        name="api-recommendation-requests",
    ),
    path(
        "recommendation-requests/<int:request_id>/decline/",
        api.RecommendationRequestDeclineApi.as_view(),
        name="api-recommendation-request-decline",
    ),
    path(
        "recommendation-requests/<int:request_id>/withdraw/",
        api.RecommendationRequestWithdrawApi.as_view(),
        name="api-recommendation-request-withdraw",
    ),
]
