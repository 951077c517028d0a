from django.urls import path

from connections import views

urlpatterns = [
    path("invite/<str:token>/", views.invitation_landing, name="invitation-landing"),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="notifications-unsubscribe",
    ),
    # Actions on a profile (/in/<handle>/ itself is in profiles.urls).
    path("in/<str:handle>/mutual/", views.profile_mutual, name="profile-mutual"),
    path("in/<str:handle>/connect/", views.profile_connect, name="profile-connect"),
    path("in/<str:handle>/withdraw/", views.profile_withdraw, name="profile-withdraw"),
    path("in/<str:handle>/accept/", views.profile_accept, name="profile-accept"),
    path("in/<str:handle>/ignore/", views.profile_ignore, name="profile-ignore"),
    path("in/<str:handle>/disconnect/", views.profile_disconnect, name="profile-disconnect"),
    path("in/<str:handle>/block/", views.profile_block, name="profile-block"),
    path("in/<str:handle>/note/", views.profile_note, name="profile-note"),
    # My network.
    path("network/", views.network, name="network"),
    path("network/size/", views.network_size, name="network-size"),
    path("network/requests/", views.requests_received, name="network-requests"),
    path("network/requests/sent/", views.requests_sent, name="network-requests-sent"),
    path("network/requests/<int:pk>/accept/", views.request_accept, name="request-accept"),
    path("network/requests/<int:pk>/ignore/", views.request_ignore, name="request-ignore"),
    path("network/requests/<int:pk>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path("network/invitations/", views.invitations, name="network-invitations"),
    path(
        "network/invitations/<int:pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation-withdraw",
    ),
    path(
        "network/invitations/<int:pk>/cancel-reminder/",
        views.invitation_cancel_reminder,
        name="invitation-cancel-reminder",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("settings/emails/", views.email_settings, name="settings-emails"),
    path("settings/blocked/", views.blocked_members, name="settings-blocked"),
]
