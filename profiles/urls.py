from django.urls import path

from profiles import views

urlpatterns = [
    path("in/<str:handle>/", views.profile_detail, name="profile-detail"),
    path("search/", views.search, name="search"),
    path("me/", views.my_profile, name="my-profile"),
    path("me/edit/", views.profile_edit, name="profile-edit"),
    path("me/photo/", views.photo_upload, name="photo-upload"),
    path("me/photo/remove/", views.photo_remove, name="photo-remove"),
    path("me/positions/add/", views.position_add, name="position-add"),
    path("me/positions/<int:pk>/edit/", views.position_edit, name="position-edit"),
    path("me/positions/<int:pk>/delete/", views.position_delete, name="position-delete"),
    path("me/education/add/", views.education_add, name="education-add"),
    path("me/education/<int:pk>/edit/", views.education_edit, name="education-edit"),
    path("me/education/<int:pk>/delete/", views.education_delete, name="education-delete"),
    path("me/skills/add/", views.skill_add, name="skill-add"),
    path("me/skills/<int:pk>/delete/", views.skill_delete, name="skill-delete"),
]
