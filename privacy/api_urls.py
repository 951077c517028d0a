from django.urls import URLPattern, URLResolver, path

from privacy import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("me/exports/", api.ExportListApi.as_view(), name="api-exports"),
    path("me/exports/<int:export_id>/", api.ExportDetailApi.as_view(), name="api-export-detail"),
    path(
        "me/exports/<int:export_id>/download/",
        api.ExportDownloadApi.as_view(),
        name="api-export-download",
    ),
    path("me/delete/", api.AccountDeleteApi.as_view(), name="api-account-delete"),
]
