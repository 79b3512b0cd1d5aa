"""The database engine and the per-request session, and migrations through Alembic."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, scoped_session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


class Database:
    """One engine and one session per request (greenlet), removed when the app context ends."""

    def __init__(self, url: str, migration_folders: list[str] | None = None) -> None:
        self.url = url
        self.migration_folders = migration_folders or []
        self.engine = make_engine(url)
        self.session = scoped_session(sessionmaker(self.engine, expire_on_commit=False))

    def init_app(self, app: Flask) -> None:
        app.extensions["smartcity.db"] = self
        app.teardown_appcontext(self._remove_session)

    def _remove_session(self, _exc: BaseException | None) -> None:
        self.session.remove()

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def upgrade(self) -> None:
        """Bring the schema to the newest migration."""
        with self.engine.begin() as connection:
            config = alembic_config(self.url, self.migration_folders)
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, pool_size=20, max_overflow=10, pool_pre_ping=True)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(url: str, plugin_folders: list[str] | None = None) -> AlembicConfig:
    """Core's migrations plus every plugin's version folder, one history with branches."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    folders = [str(MIGRATIONS / "versions"), *(plugin_folders or [])]
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(folders))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def database() -> Database:
    db: Database = current_app.extensions["smartcity.db"]
    return db


def session() -> Session:
    """The current request's session."""
    return database().session()
