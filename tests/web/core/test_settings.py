"""Settings: production fails fast; dev keeps its state (SQLite in WAL mode, secret key) in
``RESCOMM_HOME``; ``DATABASE_URL`` replaces the database."""

from __future__ import annotations

import os
import runpy
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

PROD_ENV = {
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://rescomm@db.example.org:5432/rescomm",
    "ALLOWED_HOSTS": "rescomm.example.org",
}

EMAIL_ENV = ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
             "EMAIL_USE_SSL", "EMAIL_TIMEOUT", "DEFAULT_FROM_EMAIL")


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in (*PROD_ENV, *EMAIL_ENV, "RESCOMM_HOME", "TRUSTED_PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RESCOMM_HOME", str(tmp_path / "home"))
    # Settings modules read the environment when imported: import fresh copies for each test
    # (monkeypatch puts the originals back afterwards).
    for module in ("base", "dev", "prod", "_env"):
        monkeypatch.delitem(sys.modules, f"rescomm.web.settings.{module}", raising=False)
    return monkeypatch


@pytest.mark.parametrize("missing", sorted(PROD_ENV))
def test_production_settings_refuse_to_start_without_required_variable(clean_env, missing):
    for name, value in PROD_ENV.items():
        if name != missing:
            clean_env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured) as raised:
        runpy.run_module("rescomm.web.settings.prod")
    message = str(raised.value)
    assert missing in message
    assert "\n" not in message


def test_production_settings_are_secure_when_configured(clean_env):
    for name, value in PROD_ENV.items():
        clean_env.setenv(name, value)
    settings = runpy.run_module("rescomm.web.settings.prod")
    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["rescomm.example.org"]
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings["DATABASES"]["default"]["CONN_MAX_AGE"] > 0
    assert "CompressedManifest" in settings["STORAGES"]["staticfiles"]["BACKEND"]


def test_database_url_replaces_sqlite(clean_env):
    clean_env.setenv("DATABASE_URL", PROD_ENV["DATABASE_URL"])
    settings = runpy.run_module("rescomm.web.settings.dev")
    assert settings["DATABASES"]["default"]["NAME"] == "rescomm"
    assert settings["DATABASES"]["default"]["HOST"] == "db.example.org"


def test_dev_settings_create_home_with_a_private_persisted_secret_key(clean_env, tmp_path):
    first = runpy.run_module("rescomm.web.settings.dev")
    key_file = tmp_path / "home" / "secret_key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = runpy.run_module("rescomm.web.settings.dev")
    assert first["SECRET_KEY"] == second["SECRET_KEY"] == key_file.read_text().strip()
    assert first["DATABASES"]["default"]["NAME"] == tmp_path / "home" / "db.sqlite3"
    assert first["WHITENOISE_USE_FINDERS"] is True


def test_dev_sqlite_database_runs_in_wal_mode(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(RESCOMM_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="rescomm.web.settings.dev")
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
    )
    src = Path(__file__).resolve().parents[3] / "src"
    env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "wal"
    assert (tmp_path / "db.sqlite3").is_file()


def test_production_e_mail_is_configured_from_the_environment(clean_env):
    for name, value in PROD_ENV.items():
        clean_env.setenv(name, value)
    defaults = runpy.run_module("rescomm.web.settings.prod")
    assert (defaults["EMAIL_HOST"], defaults["EMAIL_PORT"], defaults["EMAIL_TIMEOUT"]) == (
        "localhost", 25, 30)
    for name, value in {"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "587",
                        "EMAIL_HOST_USER": "rescomm", "EMAIL_HOST_PASSWORD": "s3cret",
                        "EMAIL_USE_TLS": "yes",
                        "DEFAULT_FROM_EMAIL": "rescomm@example.org"}.items():
        clean_env.setenv(name, value)
    settings = runpy.run_module("rescomm.web.settings.prod")
    assert settings["EMAIL_HOST"] == "smtp.example.org" and settings["EMAIL_PORT"] == 587
    assert settings["EMAIL_HOST_USER"] == "rescomm" and settings["EMAIL_HOST_PASSWORD"] == "s3cret"
    assert settings["EMAIL_USE_TLS"] is True and settings["EMAIL_USE_SSL"] is False
    assert settings["DEFAULT_FROM_EMAIL"] == "rescomm@example.org"


@pytest.mark.parametrize(("variables", "message"), [
    ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT must be a whole number from 1 to 65535, not 'smtp'"),
    ({"EMAIL_PORT": "0"}, "EMAIL_PORT must be a whole number from 1 to 65535, not '0'"),
    ({"EMAIL_TIMEOUT": "-5"}, "EMAIL_TIMEOUT must be a whole number from 1 to 3600, not '-5'"),
    ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "EMAIL_USE_TLS and EMAIL_USE_SSL are both on"),
])
def test_production_refuses_e_mail_settings_it_cannot_use(clean_env, variables, message):
    for name, value in {**PROD_ENV, **variables}.items():
        clean_env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        runpy.run_module("rescomm.web.settings.prod")


def test_the_demo_app_starts_without_a_warning_about_a_missing_static_folder(tmp_path):
    """`rescomm serve` on a fresh RESCOMM_HOME: static files come from the apps and node_modules
    (WhiteNoise finders), so no warning about `staticfiles/`, which only collectstatic makes."""
    code = ("from rescomm.cli.web import configure_django\nconfigure_django()\n"
            "from rescomm.web.wsgi import application\n"
            "from django.conf import settings\nprint(settings.STATIC_ROOT)")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "STATIC_ROOT", "DATABASE_URL")}
    env["RESCOMM_HOME"] = str(tmp_path / "home")
    proc = subprocess.run([sys.executable, "-W", "error::UserWarning", "-c", code],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "None"
    assert "No directory at" not in proc.stderr
    (tmp_path / "home" / "staticfiles").mkdir()  # after collectstatic: used
    proc = subprocess.run([sys.executable, "-W", "error::UserWarning", "-c", code],
                          capture_output=True, text=True, env=env, check=True)
    assert proc.stdout.strip() == str(tmp_path / "home" / "staticfiles")


def test_trusted_proxies_default_to_none_and_are_read_from_the_environment(clean_env):
    for name, value in PROD_ENV.items():
        clean_env.setenv(name, value)
    assert runpy.run_module("rescomm.web.settings.prod")["TRUSTED_PROXY_COUNT"] == 0
    clean_env.setenv("TRUSTED_PROXY_COUNT", "1")
    clean_env.delitem(sys.modules, "rescomm.web.settings.base")  # read the environment again
    assert runpy.run_module("rescomm.web.settings.prod")["TRUSTED_PROXY_COUNT"] == 1


@pytest.mark.parametrize("value", ["yes", "-1", "6"])
@pytest.mark.parametrize("module", ["prod", "dev"])
def test_a_trusted_proxy_count_that_is_not_0_to_5_stops_start_up(clean_env, module, value):
    for name, env_value in PROD_ENV.items():
        clean_env.setenv(name, env_value)
    clean_env.setenv("TRUSTED_PROXY_COUNT", value)
    message = f"TRUSTED_PROXY_COUNT must be a whole number from 0 to 5, not '{value}'"
    with pytest.raises(ImproperlyConfigured, match=message):
        runpy.run_module(f"rescomm.web.settings.{module}")
