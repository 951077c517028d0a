from django.urls import URLPattern, path

from introductions import api

urlpatterns: list[URLPattern] = [
    path("introductions/", api.IntroductionListApi.as_view(), name="api-introductions"),
    path(
        "introductions/offers/", api.IntroductionOfferApi.as_view(), name="api-introduction-offers"
    ),
    path(
        "introductions/brokers/",
        api.BrokerCandidatesApi.as_view(),
        name="api-introduction-brokers",
    ),
    path(
        "introductions/broker-settings/",
        api.BrokerSettingsApi.as_view(),
        name="api-introduction-broker-settings",
    ),
    path(
        "introductions/history/",
        api.BrokerHistoryApi.as_view(),
        name="api-introduction-history",
    ),
    path(
        "introductions/<int:introduction_id>/",
        api.IntroductionDetailApi.as_view(),
        name="api-introduction-detail",
    ),
    path(
        "introductions/<int:introduction_id>/forward/",
        api.IntroductionForwardApi.as_view(),
        name="api-introduction-forward",
    ),
    path(
        "introductions/<int:introduction_id>/decline/",
        api.IntroductionDeclineApi.as_view(),
        name="api-introduction-decline",
    ),
    path(
        "introductions/<int:introduction_id>/accept/",
        api.IntroductionAcceptApi.as_view(),
        name="api-introduction-accept",
    ),
    path(
        "introductions/<int:introduction_id>/withdraw/",
        api.IntroductionWithdrawApi.as_view(),
        name="api-introduction-withdraw",
    ),
    path(
        "introductions/<int:introduction_id>/outcome/",
        api.IntroductionOutcomeApi.as_view(),
        name="api-introduction-outcome",
    ),
]
