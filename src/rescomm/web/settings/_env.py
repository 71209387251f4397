"""Small readers for environment variables used by the settings modules."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def rescomm_home() -> Path:
    """The writable state folder: ``$RESCOMM_HOME`` or ``./var``, created if missing."""
    home = Path(os.environ.get("RESCOMM_HOME") or "var").expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list of non-empty stripped items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool) -> bool:
    """An environment variable read as a boolean (1/true/yes/on, case-insensitive)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, *, low: int = 0, high: int = 65535) -> int:
    """An environment variable read as a whole number from ``low`` to ``high``; ``default``
    when unset or empty. Anything else stops start-up with one line naming the variable."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ImproperlyConfigured(
            f"{name} must be a whole number from {low} to {high}, not {value!r}")
    return number


def require_env(names: dict[str, str]) -> None:
    """Raise one ImproperlyConfigured line naming every unset variable (``name -> example``)."""
    missing = [
        f"{name} ({example})"
        for name, example in names.items()
        if not os.environ.get(name, "").strip()
    ]
    if missing:
        raise ImproperlyConfigured(
            "production settings need these environment variables: " + "; ".join(missing)
        )


def persisted_secret_key(home: Path) -> str:
    """``$SECRET_KEY`` if set, else a random key kept in ``home/secret_key`` (mode 0600).

    For development and demos only: production reads ``SECRET_KEY`` and never writes a file.
    """
    from_env = os.environ.get("SECRET_KEY", "").strip()
    if from_env:
        return from_env
    path = home / "secret_key"
    if path.is_file():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    os.chmod(path, 0o600)
    return key
