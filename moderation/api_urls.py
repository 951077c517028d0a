from django.urls import URLPattern, URLResolver, path

from moderation import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", api.ReportListApi.as_view(), name="api-reports"),
]
