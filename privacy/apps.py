import contextlib
import importlib

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # How this app's notification kinds read (connections.notification_text.describer).
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f"{self.name}.notifications")
