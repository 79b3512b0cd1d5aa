"""Languages: every page in Indonesian and English (Flask-Babel). The language comes from the
visitor's switch (a cookie), else the browser's preference, else ``default_locale``.

Templates translate with ``_()``; scripts with ``t()`` from common.js, whose translations the
page hands over in its settings. Plugins ship their own catalogues (``register_translations``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, redirect, request
from flask_babel import Babel, get_locale, get_translations
from werkzeug.wrappers import Response

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600
CORE_TRANSLATIONS = Path(__file__).resolve().parent / "translations"

blueprint = Blueprint("language", __name__)


def init_app(app: Flask, plugin_translations: list[str]) -> None:
    default = app.config["SMARTCITY"]["default_locale"]
    if default not in LANGUAGES:
        raise RuntimeError(f"default_locale must be one of {', '.join(LANGUAGES)}, not {default!r}")
    directories = [str(CORE_TRANSLATIONS), *plugin_translations]
    app.config.update(
        BABEL_DEFAULT_LOCALE=default, BABEL_TRANSLATION_DIRECTORIES=";".join(directories)
    )
    Babel(app, locale_selector=chosen_language)
    app.register_blueprint(blueprint)


def chosen_language() -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    preferred = request.accept_languages.best_match(list(LANGUAGES))
    return preferred or current_app.config["SMARTCITY"]["default_locale"]


def current_language() -> str:
    return str(get_locale() or current_app.config["SMARTCITY"]["default_locale"])


def script_messages() -> dict[str, str]:
    """The current language's translations, for the page's scripts (``t()`` in common.js):
    empty in English, the language the sources are written in."""
    if current_language() == "en":
        return {}
    catalog: dict[Any, str] = getattr(get_translations(), "_catalog", {})
    return {key: value for key, value in catalog.items() if isinstance(key, str) and key}


@blueprint.get("/language/<code>")
def switch(code: str) -> Response:
    """Remember the visitor's language and go back where they were (this site only)."""
    target = request.args.get("next", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = redirect(target)
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=COOKIE_SECONDS, samesite="Lax", httponly=True)
    return response
