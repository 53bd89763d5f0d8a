"""The `bot` command-line tool."""

from __future__ import annotations

import logging
import signal
import socket
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from bot.auth.cli import staff_app
from bot.channels.wechat.cli import wechat_app
from bot.config import Settings, get_settings
from bot.history.cli import history_command
from bot.matching.cli import eval_command
from bot.tiering.cli import tier_command

app = typer.Typer(help="Kefu: run the service, train the Rasa model, evaluate the matcher.")
console = Console(stderr=True)

PAGES = (
    ("网页聊天 web chat", "/chat"),
    ("坐席工作台 agent console", "/agent"),
    ("知识编辑 editor", "/editor"),
    ("主管看板 supervisors", "/supervisor"),
    ("微信回调 WeChat callback", "/wechat"),
    ("API 文档 API docs", "/docs"),
    ("健康检查 health", "/healthz"),
)


@app.command()
def train(force: bool = typer.Option(False, help="Train even if nothing changed.")) -> None:
    """Train the Rasa model when `domain/`, `data/` or `config.yml` changed."""
    from bot.runtime.rasa import train_if_changed

    settings = get_settings()
    started = time.perf_counter()
    trained = train_if_changed(settings.rasa.model_dir, force=force)
    if trained:
        console.print(f"Rasa model trained in {time.perf_counter() - started:.1f} s")
    else:
        console.print("Rasa model is up to date")


@app.command()
def serve(
    rasa: bool = typer.Option(True, help="Also start the Rasa server (off: use KEFU_RASA__URL)."),
    profile: str = typer.Option(
        "",
        help="production: several replicas behind HAProxy on PostgreSQL and Redis "
        "(default: KEFU_PROFILE, one process each).",
    ),
    replicas: int = typer.Option(2, min=1, help="App replicas (production profile)."),
    rasa_replicas: int = typer.Option(2, min=1, help="Rasa replicas (production profile)."),
) -> None:
    """Start Rasa and the app on the configured ports; Ctrl-C stops both."""
    from urllib.parse import urlsplit

    import uvicorn

    from bot.api.app import create_app
    from bot.api.drain import drain
    from bot.auth.secrets import action_token
    from bot.auth.staff import DEMO_ACCOUNTS
    from bot.runtime.rasa import RasaServer, model_path, train_if_changed
    from bot.runtime.serving import DrainingServer

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    if profile == "production" and rasa:
        _serve_production(settings, replicas, rasa_replicas)
        return
    # uvicorn re-raises SIGTERM after its own shutdown; make it an exit that runs `finally`
    # below, so the Rasa server is stopped on SIGTERM as on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server: RasaServer | None = None
    if rasa:
        train_if_changed(settings.rasa.model_dir)
        rasa_url = urlsplit(settings.rasa.url)
        server = RasaServer(
            model=model_path(settings.rasa.model_dir),
            host=rasa_url.hostname or "127.0.0.1",
            port=rasa_url.port or 5005,
            action_url=f"http://{settings.host}:{settings.port}/actions/webhook",
            action_token=action_token(settings),
            log_file=settings.var_dir / "logs" / "rasa.log",
        )
        if _port_in_use(server.host, server.port):
            console.print(
                f"[red]port {server.port} is already in use: stop the other Rasa "
                "server or set KEFU_RASA__URL to a free port[/red]"
            )
            raise typer.Exit(1)
        server.start()
        console.print(f"Rasa server starting on {server.url} (log: {server.log_file})")
    days = settings.analytics.demo_history_days
    if days and settings.profile == "embedded":
        console.print(f"writing {days} days of demo history into an empty database ...")
        history_command(days=days, per_day=settings.analytics.demo_per_day, seed=7, if_empty=True)
    try:
        _print_banner(settings.base_url, [(u, u) for u, _, _ in DEMO_ACCOUNTS])
        config = uvicorn.Config(
            create_app(settings), host=settings.host, port=settings.port, log_level="info"
        )
        # SIGTERM / Ctrl-C: turns under way finish (Rasa's action calls still served), then
        # the app stops, then Rasa (below).
        DrainingServer(config, partial(drain, settings.drain_timeout_s)).run()
    finally:
        if server is not None:
            console.print("stopping the Rasa server ...")
            server.stop()


def _serve_production(settings: Settings, apps: int, rasas: int) -> None:
    """The production topology on this machine, supervised until Ctrl-C."""
    from bot.runtime.production import ProductionStack, local_topology
    from bot.runtime.rasa import model_path, train_if_changed

    train_if_changed(settings.rasa.model_dir)
    topology = local_topology(settings, apps, rasas)
    work = Path(tempfile.mkdtemp(prefix="kefu-production-"))
    stack = ProductionStack(topology, model_path(settings.rasa.model_dir), work)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    console.print(
        f"starting {apps} app + {rasas} Rasa replicas behind HAProxy "
        f"(app DB {topology.db_url}, Rasa trackers {topology.tracker_url}, "
        f"Redis {topology.redis_url}; logs in {work})"
    )
    try:
        stack.start()
        _print_banner(stack.url, [])
        console.print("no demo accounts in production: create staff with `bot staff add`")
        stack.supervise()
    except KeyboardInterrupt:
        pass
    finally:
        console.print("stopping the replicas ...")
        stack.stop()


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((host, port)) == 0


def _print_banner(base: str, accounts: list[tuple[str, str]]) -> None:
    table = Table(title="Kefu is starting", show_header=False)
    for name, path in PAGES:
        table.add_row(name, f"{base}{path}")
    if accounts:
        table.add_row("演示账号 demo accounts", ", ".join(f"{u} / {p}" for u, p in accounts))
    console.print(table)


@app.command()
def migrate() -> None:
    """Bring the app database to the newest schema."""
    from bot.storage.db import migrate as run_migrate

    run_migrate(get_settings().db.url)
    console.print("database is up to date")


app.command("eval")(eval_command)
app.command("tier")(tier_command)
app.command("history")(history_command)
app.add_typer(wechat_app, name="wechat")
app.add_typer(staff_app, name="staff")


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
