"""`bot wechat ...`: Official Account chores from the command line."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.channels.wechat.api import WechatApi, WechatApiError
from bot.channels.wechat.menu import Menu, MenuError, load_menu
from bot.channels.wechat.tokens import AccessTokens, DbTokenStore, RedisTokenStore, TokenStore
from bot.config import Settings, get_settings

wechat_app = typer.Typer(help="WeChat Official Account: publish the custom menu.")
console = Console(stderr=True)


@wechat_app.command("publish-menu")
def publish_menu(
    path: Annotated[Path, typer.Argument(help="Menu YAML, e.g. knowledge/wechat_menu.yml")],
    dry_run: Annotated[
        bool, typer.Option(help="Check the file and print WeChat's JSON only.")
    ] = False,
) -> None:
    """Check a menu file and publish it as the Official Account's custom menu."""
    try:
        menu = load_menu(path)
    except MenuError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    body = menu.to_wechat()
    if dry_run:
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    settings = get_settings()
    if not (settings.wechat.app_id and settings.wechat.app_secret):
        console.print("[red]set KEFU_WECHAT__APP_ID and KEFU_WECHAT__APP_SECRET first[/red]")
        raise typer.Exit(2)
    try:
        asyncio.run(publish(settings, menu))
    except WechatApiError as exc:
        console.print(f"[red]WeChat refused the menu: {exc}[/red]")
        raise typer.Exit(1) from exc
    items = sum(len(b.sub_button) or 1 for b in menu.button)
    console.print(f"menu published: {len(menu.button)} groups, {items} items")


async def publish(settings: Settings, menu: Menu) -> None:
    """Publish `menu` with the shared access_token of the configured account."""
    from bot.storage.db import Database, migrate

    w = settings.wechat
    api = WechatApi(w.api_base, w.app_id or "", w.app_secret or "", w.api_timeout_s)
    db: Database | None = None
    store: TokenStore
    if settings.redis.url:
        store = RedisTokenStore(settings.redis.url)
    else:
        migrate(settings.db.url)
        db = Database(settings.db.url)
        store = DbTokenStore(db)
    tokens = AccessTokens(api, store, w.token_margin_s, owner=f"cli-{uuid.uuid4().hex[:8]}")
    try:
        token = await tokens.get()
        try:
            await api.create_menu(token, menu.to_wechat())
        except WechatApiError as exc:
            if not exc.bad_token:
                raise
            await tokens.invalidate(token)
            await api.create_menu(await tokens.get(), menu.to_wechat())
    finally:
        await api.aclose()
        if db is not None:
            db.dispose()
