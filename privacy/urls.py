from django.urls import URLPattern, URLResolver, path

from privacy import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("settings/data/", views.data_settings, name="settings-data"),
    path("settings/data/export/", views.export_start, name="settings-data-export"),
    path("settings/data/state/", views.export_state, name="settings-data-state"),
    path(
        "settings/data/<int:export_id>/download/",
        views.export_download,
        name="settings-data-download",
    ),
    path("settings/delete-account/", views.account_delete, name="settings-delete-account"),
    path("account-deleted/", views.account_deleted, name="account-deleted"),
]
