from django.urls import URLPattern, URLResolver, path

from moderation import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("report/<str:target_type>/<str:target_id>/", views.report, name="report"),
]
