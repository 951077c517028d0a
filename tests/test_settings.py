import os
import subprocess
import sys

import pytest


def load_settings(module: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environ.update(env)
    environ["DJANGO_SETTINGS_MODULE"] = module
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "is not a boolean"),
        ("DATABASE_URL", "mysql://x@localhost/db", "must be a postgres:// URL"),
        ("REDIS_URL", "http://localhost", "must be a redis:// URL"),
    ],
)
def test_malformed_environment_fails_loudly(name, value, message):
    result = load_settings("linkup.settings.local", **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_a_missing_secret_key():
    result = load_settings("linkup.settings.production", DJANGO_ALLOWED_HOSTS="x.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_requires_allowed_hosts():
    result = load_settings("linkup.settings.production", DJANGO_SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_loads_with_a_complete_environment():
    result = load_settings(
        "linkup.settings.production",
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_ALLOWED_HOSTS="linkup.example",
        EMAIL_URL="smtp://user:pass@mail.example:587",
    )
    assert result.returncode == 0, result.stderr
