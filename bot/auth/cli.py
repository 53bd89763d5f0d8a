"""`bot staff add`: staff accounts for the production profile, which has no demo accounts."""

from __future__ import annotations

import sys

import typer
from sqlalchemy import select

from bot.auth.passwords import hash_password
from bot.auth.staff import ROLES
from bot.config import get_settings
from bot.storage.db import Database, migrate
from bot.storage.models import StaffUser

staff_app = typer.Typer(help="Staff accounts (agents, supervisors, editors, ...).")


@staff_app.command("add")
def add(
    username: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLES)}."),
    name: str = typer.Option("", help="Display name (default: the login name)."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
) -> None:
    """Create a staff account, or set the password and role of an existing one."""
    if role not in ROLES:
        raise typer.BadParameter(f"unknown role {role!r}; one of: {', '.join(ROLES)}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise typer.BadParameter("the password needs at least 8 characters")
    settings = get_settings()
    migrate(settings.db.url)
    db = Database(settings.db.url)
    try:
        with db.session() as s:
            user = s.scalar(select(StaffUser).where(StaffUser.username == username))
            if user is None:
                user = StaffUser(username=username, display_name=name or username)
                s.add(user)
            user.password_hash = hash_password(password)
            user.role = role
            if name:
                user.display_name = name
    finally:
        db.dispose()
    typer.echo(f"staff account {username} ({role}) saved")
