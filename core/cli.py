"""The ``smartcity`` command: serve, migrate, load the demo city, manage users, list plugins."""

# Patch first: nothing may import sockets, ssl or a database driver before this.
# (So this module cannot start with ``from __future__``; it needs no annotations from it.)
from gevent import monkey

monkey.patch_all()

import gc  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402

import click  # noqa: E402
from flask import current_app  # noqa: E402
from flask.cli import FlaskGroup, with_appcontext  # noqa: E402

from core import auth, db  # noqa: E402
from core.app import create_app  # noqa: E402
from core.catalog import catalog, sync_catalog  # noqa: E402
from core.plugins import describe_plugins, hooks  # noqa: E402
from core.types import ROLES  # noqa: E402


def _create_app():
    return create_app()


@click.group(
    cls=FlaskGroup,
    create_app=_create_app,
    add_default_commands=False,
    load_dotenv=False,
    set_debug_flag=False,
)
def main():
    """smartcity: residents report, agencies answer live."""


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--access-log/--no-access-log", default=False, show_default=True)
@with_appcontext
def run_command(host, port, access_log):
    """Serve on gevent with the configured database and message queue."""
    from core.server import make_server

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _sync_catalog_at_start(app)
    server = make_server(app, host, port, access_log=access_log)
    hooks(app).server_started(app=app)
    # Start-up objects live as long as the process: keep them out of the collector's sight,
    # so a full collection stalls every connection for ~50 ms instead of ~150 ms.
    gc.collect()
    gc.freeze()
    click.echo(f"smartcity serving on http://{host}:{port}  (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop(timeout=5)


def _sync_catalog_at_start(app):
    """Sync the plugins' catalogue; tolerate another process starting at the same moment."""
    from sqlalchemy.exc import IntegrityError, SQLAlchemyError

    try:
        sync_catalog(db.session(), catalog())
    except IntegrityError:
        db.session().rollback()
        sync_catalog(db.session(), catalog())
    except SQLAlchemyError as error:
        raise click.ClickException(
            f"the database is not ready ({type(error).__name__}); run `smartcity db upgrade` first"
        ) from error
    finally:
        db.database().session.remove()


@main.group("db")
def db_group():
    """Database schema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply migrations (Alembic), then sync the plugins' agencies and categories."""
    database = db.database()
    database.upgrade()
    sync_catalog(db.session(), catalog())
    click.echo(
        f"database is up to date: {database.engine.url.render_as_string(hide_password=True)}"
    )


@main.command("demo")
@with_appcontext
def demo_command():
    """Load the demo city into an empty database (prints the demo accounts either way)."""
    from core.demo import load_demo, print_accounts

    loaded = load_demo(current_app.extensions["smartcity.hooks"])
    click.echo("demo city loaded." if loaded else "demo city already loaded; left as it is.")
    print_accounts()


@main.group("users")
def users_group():
    """User accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--agency", default=None, help="agency code (officer, staff, head)")
@with_appcontext
def users_create(email, password, role, agency):
    """Create a user."""
    from sqlalchemy.exc import IntegrityError

    from core.models import Agency

    session = db.session()
    if agency and session.get(Agency, agency) is None:
        raise click.BadParameter(f"unknown agency {agency!r}", param_hint="--agency")
    try:
        user = auth.create_user(email, password, role, agency)
        session.commit()
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    except IntegrityError as error:
        session.rollback()
        raise click.UsageError(f"a user with email {email!r} exists already") from error
    click.echo(
        f"created user {user.id}: {user.email} ({user.role}{', ' + agency if agency else ''})"
    )


@main.group("plugins", invoke_without_command=True)
@click.pass_context
def plugins_group(ctx):
    """Loaded plugins with their version, hooks and routes; `plugins new NAME` starts one."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(plugins_list)


@plugins_group.command("list")
@with_appcontext
def plugins_list():
    """Loaded plugins with their version, hooks and routes (the default)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for plugin in describe_plugins(app.extensions["smartcity.pm"], app):
        click.echo(f"{plugin['name']} {plugin['version']}")
        click.echo(f"  hooks:  {', '.join(plugin['hooks']) or '-'}")
        click.echo(f"  routes: {', '.join(plugin['routes']) or '-'}")


# Without the app: writing files needs no database, and works where the app cannot start.
@plugins_group.command("new", with_appcontext=False)
@click.argument("name")
def plugins_new(name):
    """Write the skeleton of a plugin package, smartcity-NAME/, in the current directory."""
    from pathlib import Path

    from core.plugin_skeleton import write_skeleton
    from core.plugins import entry_points

    try:
        written = write_skeleton(name, Path.cwd(), taken=[ep.name for ep in entry_points()])
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from error
    except FileExistsError as error:
        raise click.ClickException(str(error)) from error
    relative = [path.relative_to(Path.cwd()) for path in written]
    for path in relative:
        click.echo(f"wrote {path}")
    root = relative[0].parts[0]
    click.echo(f"next: pip install -e {root} && smartcity db upgrade && smartcity plugins")


if __name__ == "__main__":
    sys.exit(main())
