from django.urls import URLPattern, URLResolver, path

from reach import api

# Under /api/v1/ (profiles.api_urls). /api/v1/network/ itself is connections' NetworkView,
# matched exactly in linkup/api_urls.py, so these paths reach this app.
urlpatterns: list[URLPattern | URLResolver] = [
    path("network/reach/", api.ReachApi.as_view(), name="api-network-reach"),
    path("network/reach/members/", api.ReachMembersApi.as_view(), name="api-network-reach-members"),
]
