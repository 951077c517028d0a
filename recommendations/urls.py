from django.urls import URLPattern, URLResolver, path

from recommendations import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("recommendations/", views.overview, name="recommendations"),
    path("recommendations/ask/", views.ask, name="recommendation-ask"),
    path("recommendations/write/", views.write_choose, name="recommendation-write-choose"),
    path("recommendations/write/<str:handle>/", views.write, name="recommendation-write"),
    path(
        "recommendations/requests/<int:pk>/write/",
        views.write_for_request,
        name="recommendation-request-write",
    ),
    path(
        "recommendations/requests/<int:pk>/decline/",
        views.request_decline,
        name="recommendation-request-decline",
    ),
    path(
        "recommendations/requests/<int:pk>/withdraw/",
        views.request_withdraw,
        name="recommendation-request-withdraw",
    ),
    path("recommendations/<int:pk>/", views.detail, name="recommendation-detail"),
    path("recommendations/<int:pk>/edit/", views.edit, name="recommendation-edit"),
    path(
        "recommendations/<int:pk>/approve/",
        views.recommendation_approve,
        name="recommendation-approve",
    ),
    path("recommendations/<int:pk>/hide/", views.recommendation_hide, name="recommendation-hide"),
    path("recommendations/<int:pk>/show/", views.recommendation_show, name="recommendation-show"),
    path(
        "recommendations/<int:pk>/revise/",
        views.recommendation_revise,
        name="recommendation-revise",
    ),
    path(
        "recommendations/<int:pk>/decline/",
        views.recommendation_decline,
        name="recommendation-decline",
    ),
    path(
        "recommendations/<int:pk>/withdraw/",
        views.recommendation_withdraw,
        name="recommendation-withdraw",
    ),
]
