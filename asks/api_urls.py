from django.urls import URLPattern, URLResolver, path

from asks import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("asks/", api.AskListApi.as_view(), name="api-asks"),
    path("asks/<int:ask_id>/", api.AskDetailApi.as_view(), name="api-ask-detail"),
    path("asks/<int:ask_id>/answer/", api.AskAnswerApi.as_view(), name="api-ask-answer"),
    path("asks/<int:ask_id>/refer/", api.AskReferApi.as_view(), name="api-ask-refer"),
    path("asks/<int:ask_id>/pass/", api.AskPassApi.as_view(), name="api-ask-pass"),
    path("asks/<int:ask_id>/close/", api.AskCloseApi.as_view(), name="api-ask-close"),
]
