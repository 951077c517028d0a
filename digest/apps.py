import contextlib
import importlib

from django.apps import AppConfig


class DigestConfig(AppConfig):
    name = "digest"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # How this app's notification kinds read (connections.notification_text.describer).
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f"{self.name}.notifications")
        # Touches and removals heard from other apps (signals).
        importlib.import_module(f"{self.name}.receivers")
        # This app's part of a member's data archive (privacy.exporters).
        importlib.import_module(f"{self.name}.exports")
