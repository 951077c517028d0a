from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.static import serve

from profiles import views as profile_views

admin.site.site_header = "LinkUp administration"
admin.site.site_title = "LinkUp admin"

urlpatterns = [
    path("", profile_views.landing, name="landing"),
    path("home/", profile_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("linkup.api_urls")),
    path("", include("profiles.urls")),
    path("", include("connections.urls")),
    path("", include("introductions.urls")),
    path("", include("recommendations.urls")),
    path("", include("discovery.urls")),
    path("", include("asks.urls")),
    path("", include("reach.urls")),
    path("", include("digest.urls")),
    path("", include("moderation.urls")),
    path("", include("developers.urls")),
    path("", include("privacy.urls")),
]

if settings.DEBUG:
    urlpatterns += [
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            login_not_required(serve),
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

handler404 = "common.api.not_found_view"
handler500 = "common.api.server_error_view"
