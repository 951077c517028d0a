from django.urls import URLPattern, URLResolver, path

from digest import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("network/keep-in-touch/", views.keep_in_touch, name="keep-in-touch"),
    path(
        "network/keep-in-touch/<str:handle>/interval/",
        views.keep_in_touch_interval,
        name="keep-in-touch-interval",
    ),
    path(
        "network/keep-in-touch/<str:handle>/touch/",
        views.keep_in_touch_touch,
        name="keep-in-touch-touch",
    ),
    path(
        "network/keep-in-touch/<str:handle>/remove/",
        views.keep_in_touch_remove,
        name="keep-in-touch-remove",
    ),
    path("digest/", views.digest, name="digest"),
    path("settings/digest/", views.digest_settings, name="settings-digest"),
    path("digest/unsubscribe/<str:token>/", views.unsubscribe, name="digest-unsubscribe"),
]
