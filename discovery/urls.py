from django.urls import URLPattern, URLResolver, path

from discovery import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("discover/", views.discover, name="discover"),
    path("discover/suggestions/", views.suggestions_list, name="discover-suggestions"),
    path("discover/panel/", views.panel, name="discover-panel"),
    path(
        "discover/suggestions/<str:handle>/connect/",
        views.suggestion_connect,
        name="discover-connect",
    ),
    path(
        "discover/suggestions/<str:handle>/dismiss/",
        views.suggestion_dismiss,
        name="discover-dismiss",
    ),
    path("discover/at/", views.who_at, name="discover-at"),
]
