from django.urls import path

from connections import views

urlpatterns = [
    path("invite/<str:token>/", views.invitation_landing, name="invitation-landing"),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="notifications-unsubscribe",
    ),
]
