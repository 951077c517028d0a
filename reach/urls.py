from django.urls import URLPattern, URLResolver, path

from reach import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("network/reach/", views.reach_dashboard, name="reach"),
    path("network/reach/status/", views.reach_status, name="reach-status"),
    path("network/reach/members/", views.reach_members, name="reach-members"),
]
