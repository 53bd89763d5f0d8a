"""`bot tier`: the tier decision for one message from one customer, and why (see CONTRACTS.md)."""

from __future__ import annotations

import json
import logging
from typing import Any

import typer
from rich.console import Console

from bot.knowledge.errors import KnowledgeError


def tier_command(
    text: str = typer.Option(..., "--text", help="the customer's message"),
    customer: str | None = typer.Option(
        None, "--customer", help="member id (XL10000001), phone or database id; none = visitor"
    ),
    json_out: bool = typer.Option(False, "--json", help='print one JSON object {"tier", ...}'),
    failed: int = typer.Option(0, "--failed", help="earlier messages nothing matched"),
    unsolved: int = typer.Option(0, "--unsolved", help="solutions that did not help"),
    diagnosis: str | None = typer.Option(
        None, "--diagnosis", help="state of a diagnosis walk: active|solved|escalated|abandoned"
    ),
    previous: str | None = typer.Option(None, "--previous", help="the previous message"),
    rasa: bool = typer.Option(True, help="ask the Rasa server (KEFU_RASA__URL) for the intent"),
) -> None:
    """Run matcher, entities, emotion, intent and the tier policy on --text for --customer."""
    from bot.config import get_settings
    from bot.tiering.assess import ConversationState
    from bot.tiering.build import build_assessor

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    err = Console(stderr=True)
    settings = get_settings()
    if diagnosis not in (None, "active", "solved", "escalated", "abandoned"):
        err.print(f"error: unknown --diagnosis {diagnosis!r}", markup=False)
        raise typer.Exit(2)
    try:
        profile = _profile(settings, customer)
        if profile is None:
            err.print(f"error: no customer {customer!r}", markup=False)
            raise typer.Exit(2)
        assessor = build_assessor(settings, use_rasa=rasa)
    except KnowledgeError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from error
    state = ConversationState(
        previous_text=previous,
        failed_matches=failed,
        unsolved=unsolved,
        diagnosis=diagnosis,  # type: ignore[arg-type]
    )
    result = assessor.assess(text, profile, state).to_dict()
    result["customer"] = _customer(profile)
    if json_out:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        _print(result)


def _profile(settings: Any, ref: str | None) -> Any:
    from bot.profile.profile import anonymous_profile
    from bot.profile.service import ProfileService
    from bot.storage.db import Database, migrate

    if not ref:
        return anonymous_profile()
    migrate(settings.db.url)
    db = Database(settings.db.url)
    try:
        service = ProfileService(db, settings)
        service.warm_up()  # seeds the sample customers on the embedded profile
        return service.lookup(ref)
    finally:
        db.dispose()


def _customer(profile: Any) -> dict[str, Any]:
    return {
        "member_id": profile.member_id,
        "name": profile.name,
        "member_level": profile.member_level,
        "enterprise": profile.enterprise,
        "tags": profile.tags,
        "devices": [f"{d.model} ({d.line})" for d in profile.devices],
        "behaviour": profile.behaviour.model_dump(),
    }


def _print(r: dict[str, Any]) -> None:
    out = Console(highlight=False)
    c = r["customer"]
    intent = r["intent"]
    source = {"rasa": "Rasa NLU", "keywords": "policy keywords (Rasa not reachable)"}
    out.print(f"[bold]tier {r['tier']}[/bold]  route {r['route']}  priority {r['priority']}")
    out.print(f"reason    {r['reason']}", markup=False)
    out.print(f"rule      {r['rule']}" + ("  (offer a human)" if r["offer_human"] else ""))
    who = c["member_id"] or "visitor"
    out.print(
        f"customer  {who} {c['name'] or ''} tags: {', '.join(c['tags']) or '-'}", markup=False
    )
    out.print(f"intent    {intent['name']} (from {source.get(intent['source'], intent['source'])})")
    m = r["match"]
    if m:
        best = f"{m['question_id']} {m['title']} ({m['score']})" if m["question_id"] else "-"
        out.print(f"match     {m['decision']}: {best}", markup=False)
    ents = ", ".join(f"{e['label']} {e['text']}={e['value']}" for e in r["entities"]) or "-"
    out.print(f"entities  {ents}", markup=False)
    emo = r["emotion"]
    words = ", ".join(emo["risk_words"] + emo["words"] + emo["signals"]) or "-"
    out.print(f"emotion   negative {emo['negative']:.2f}  urgency {emo['urgency']:.2f}  ({words})")
