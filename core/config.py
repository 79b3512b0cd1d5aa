"""Load settings: config/default.toml, then the SMARTCITY_CONFIG file, then SMARTCITY_* vars."""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

ENV_PREFIX = "SMARTCITY_"
LIST_KEYS = ("load_plugins", "disable_plugins", "cors_allowed_origins")


def default_settings() -> dict[str, Any]:
    text = resources.files("config").joinpath("default.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _parse_env_value(key: str, raw: str) -> Any:
    if key in LIST_KEYS:
        return [item.strip() for item in raw.split(",") if item.strip()]
    try:
        return tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        return raw


def _settings_from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    """SMARTCITY_DATABASE_URL -> database_url; SMARTCITY_CCTV__SNAPSHOT_TTL -> cctv.snapshot_ttl."""
    settings: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX + "CONFIG":
            continue
        path = name[len(ENV_PREFIX) :].lower().split("__")
        target = settings
        for section in path[:-1]:
            target = target.setdefault(section, {})
        target[path[-1]] = _parse_env_value(path[-1], raw)
    return settings


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The effective settings; later wins: defaults, file, environment, ``overrides``."""
    environ = os.environ if environ is None else environ
    settings = default_settings()
    config_file = environ.get(ENV_PREFIX + "CONFIG")
    if config_file:
        with open(config_file, "rb") as handle:
            settings = _merge(settings, tomllib.load(handle))
    settings = _merge(settings, _settings_from_environ(environ))
    if overrides:
        settings = _merge(settings, overrides)
    return _resolve_instance(settings)


def _resolve_instance(settings: dict[str, Any]) -> dict[str, Any]:
    instance = Path(settings["instance_path"]).resolve()
    instance.mkdir(parents=True, exist_ok=True)
    settings["instance_path"] = str(instance)
    if not settings["database_url"]:
        settings["database_url"] = f"sqlite:///{instance / 'smartcity.sqlite3'}"
    if not settings["secret_key"]:
        settings["secret_key"] = _instance_secret_key(instance)
    return settings


def _instance_secret_key(instance: Path) -> str:
    """Generate the secret key on first run and keep it, readable by the owner only."""
    key_file = instance / "secret_key"
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()
