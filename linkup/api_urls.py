from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from common.csp import SwaggerDocsView
from connections.api_network import NetworkView

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "docs/",
        login_not_required(SwaggerDocsView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("v1/network/", NetworkView.as_view(), name="api-network"),
    path("v1/", include("profiles.api_urls")),
]
