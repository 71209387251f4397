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


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in (*PROD_ENV, "RESCOMM_HOME"):
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
