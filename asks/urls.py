from django.urls import URLPattern, URLResolver, path

from asks import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("asks/", views.feed, name="asks"),
    path("asks/mine/", views.mine, name="asks-mine"),
    path("asks/new/", views.ask_create, name="ask-create"),
    path("asks/<int:pk>/", views.ask_detail, name="ask-detail"),
    path("asks/<int:pk>/answer/", views.ask_answer, name="ask-answer"),
    path("asks/<int:pk>/refer/", views.ask_refer, name="ask-refer"),
    path("asks/<int:pk>/pass/", views.ask_pass, name="ask-pass"),
    path("asks/<int:pk>/close/", views.ask_close, name="ask-close"),
]
