from django.apps import AppConfig


class IntroductionsConfig(AppConfig):
    name = "introductions"
    default_auto_field = "django.db.models.BigAutoField"
