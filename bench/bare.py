"""The bare stack the benchmarks divide by: Flask + one SQLAlchemy ORM insert, served like ours.

One process, started by bench/intake.py and bench/live.py on a free port:

- ``POST /reports`` with JSON inserts one row; with multipart it first saves the
  uploaded ``photo`` to disk as it came (no checks, no stripping);
- ``POST /reports/announced`` inserts one row and emits ``complaint.created``
  with its id to every Socket.IO connection (all join the room ``consoles``);
- ``GET /health`` answers when the server is up.

SQLite in WAL mode with ``synchronous=NORMAL``, one session per request,
flush-read-id-commit, served by ``core.server.make_server`` (gevent, TCP_NODELAY).
"""

from __future__ import annotations

# Patch first: nothing may import sockets or a database driver before this.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import uuid  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask, Response, jsonify, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402
from sqlalchemy import Engine, Float, String, Text, create_engine, event  # noqa: E402
from sqlalchemy.orm import (  # noqa: E402
    DeclarativeBase,
    Mapped,
    mapped_column,
    scoped_session,
    sessionmaker,
)

from core.server import make_server  # noqa: E402

CONSOLES_ROOM = "consoles"


class Base(DeclarativeBase):
    pass


class Report(Base):
    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    photo_path: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=lambda: datetime.now(UTC))


def database_path(instance: Path) -> Path:
    return instance / "bare.sqlite3"


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})
    event.listen(engine, "connect", _tune_sqlite)
    Base.metadata.create_all(engine)
    return engine


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_app(instance: Path) -> Flask:
    app = Flask("bare")
    media = instance / "media"
    media.mkdir(parents=True, exist_ok=True)
    session = scoped_session(sessionmaker(make_engine(database_path(instance))))
    socketio = SocketIO(app, async_mode="gevent")

    def insert(fields: dict[str, Any], photo_path: str | None = None) -> int:
        report = Report(
            category=fields["category"],
            description=fields["description"],
            lat=float(fields["lat"]),
            lon=float(fields["lon"]),
            photo_path=photo_path,
        )
        session.add(report)
        session.flush()
        report_id = report.id
        session.commit()
        return report_id

    @app.post("/reports")
    def create_report() -> tuple[Response, int]:
        if request.mimetype == "multipart/form-data":
            relative = f"{uuid.uuid4().hex}.jpg"
            request.files["photo"].save(media / relative)
            report_id = insert(request.form, relative)
        else:
            report_id = insert(request.get_json())
        return jsonify(id=report_id), 201

    @app.post("/reports/announced")
    def create_announced_report() -> tuple[Response, int]:
        report_id = insert(request.get_json())
        socketio.emit("complaint.created", {"id": report_id}, to=CONSOLES_ROOM)
        return jsonify(id=report_id), 201

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok")

    @socketio.on("connect")
    def connect(_auth: Any = None) -> None:
        join_room(CONSOLES_ROOM)

    app.teardown_appcontext(lambda _exc: session.remove())
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--instance", type=Path, required=True, help="folder for database and media"
    )
    args = parser.parse_args()
    server = make_server(create_app(args.instance), args.host, args.port)
    print(f"bare stack serving on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop(timeout=5)


if __name__ == "__main__":
    main()
