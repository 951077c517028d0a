from django.urls import URLPattern, path

from connections import api

urlpatterns: list[URLPattern] = [
    path("profiles/<str:handle>/paths/", api.ProfilePathsApi.as_view(), name="api-profile-paths"),
    path(
        "profiles/<str:handle>/mutual/", api.ProfileMutualApi.as_view(), name="api-profile-mutual"
    ),
    path("connections/", api.ConnectionListApi.as_view(), name="api-connections"),
    path(
        "connections/<str:handle>/",
        api.ConnectionDetailApi.as_view(),
        name="api-connection-detail",
    ),
    path(
        "connection-requests/",
        api.ConnectionRequestListApi.as_view(),
        name="api-connection-requests",
    ),
    path(
        "connection-requests/<int:request_id>/accept/",
        api.ConnectionRequestAcceptApi.as_view(),
        name="api-connection-request-accept",
    ),
    path(
        "connection-requests/<int:request_id>/ignore/",
        api.ConnectionRequestIgnoreApi.as_view(),
        name="api-connection-request-ignore",
    ),
    path(
        "connection-requests/<int:request_id>/decline/",
        api.ConnectionRequestDeclineApi.as_view(),
        name="api-connection-request-decline",
    ),
    path(
        "connection-requests/<int:request_id>/withdraw/",
        api.ConnectionRequestWithdrawApi.as_view(),
        name="api-connection-request-withdraw",
    ),
    path("invitations/", api.InvitationListApi.as_view(), name="api-invitations"),
    path(
        "invitations/<int:invitation_id>/cancel/",
        api.InvitationCancelApi.as_view(),
        name="api-invitation-cancel",
    ),
    path(
        "invitations/<int:invitation_id>/cancel-reminder/",
        api.InvitationCancelReminderApi.as_view(),
        name="api-invitation-cancel-reminder",
    ),
    path("blocks/", api.BlockListApi.as_view(), name="api-blocks"),
    path("blocks/<str:handle>/", api.BlockDetailApi.as_view(), name="api-block-detail"),
    path("notifications/", api.NotificationListApi.as_view(), name="api-notifications"),
    path(
        "notifications/unread-count/",
        api.NotificationUnreadCountApi.as_view(),
        name="api-notifications-unread-count",
    ),
    path("notifications/read/", api.NotificationReadApi.as_view(), name="api-notifications-read"),
]
