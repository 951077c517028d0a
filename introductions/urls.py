from django.urls import path

from introductions import views

urlpatterns = [
    path("introductions/", views.inbox_waiting, name="introductions"),
    path("introductions/requests/", views.inbox_requests, name="introductions-requests"),
    path("introductions/for-me/", views.inbox_for_me, name="introductions-for-me"),
    path("introductions/brokered/", views.inbox_brokered, name="introductions-brokered"),
    path("introductions/offer/", views.introduction_offer, name="introduction-offer"),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction-detail"),
    path(
        "introductions/<int:pk>/forward/",
        views.introduction_forward,
        name="introduction-forward",
    ),
    path(
        "introductions/<int:pk>/decline/",
        views.introduction_decline,
        name="introduction-decline",
    ),
    path("introductions/<int:pk>/accept/", views.introduction_accept, name="introduction-accept"),
    path("introductions/<int:pk>/refuse/", views.introduction_refuse, name="introduction-refuse"),
    path(
        "introductions/<int:pk>/withdraw/",
        views.introduction_withdraw,
        name="introduction-withdraw",
    ),
    path(
        "introductions/<int:pk>/outcome/",
        views.introduction_outcome,
        name="introduction-outcome",
    ),
    path("introductions/<int:pk>/report/", views.introduction_report, name="introduction-report"),
    path(
        "in/<str:handle>/get-introduced/",
        views.introduction_request,
        name="introduction-request",
    ),
    path("settings/broker/", views.broker_settings, name="broker-settings"),
]
