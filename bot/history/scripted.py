"""A stand-in for the Rasa server when generated history is written.

The generator knows each message's dialogue act (it chose it), so Rasa's NLU is not needed;
the rest is the live service's own: the one-step rules of ``data/rules.yml`` pick the action,
the real actions run in-process through rasa-sdk's executor (as on ``/actions/webhook``),
domain responses are rendered from ``domain/*.yml``, and slots follow the actions' events.
Button payloads (``/intent{json}``) are read the way Rasa reads them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from bot.api.routes.actions import executor
from bot.gateway.rasa_client import RasaClient

PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$", re.S)
TREE_INTENTS = {"start_diagnosis", "diagnosis_reply"}


def load_rules(rules_file: Path) -> dict[str, str]:
    """intent -> action of the unconditional one-step rules."""
    data = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for rule in data.get("rules") or []:
        steps = rule.get("steps") or []
        if rule.get("condition") or len(steps) < 2:
            continue
        intent, action = steps[0].get("intent"), steps[1].get("action")
        if intent and action:
            out.setdefault(intent, action)
    return out


def load_responses(domain_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Response name -> its variants, from every domain file."""
    out: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(domain_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out.update(data.get("responses") or {})
    return out


class ScriptedRasa(RasaClient):
    """`RasaClient` that answers in-process; set `intent` before each message that is text.

    Args:
        project: the Rasa project root (``data/rules.yml``, ``domain/``).
    """

    def __init__(self, project: Path) -> None:
        super().__init__("http://scripted.invalid", 1.0)
        self.rules = load_rules(project / "data" / "rules.yml")
        self.responses = load_responses(project / "domain")
        self.slots: dict[str, dict[str, Any]] = {}
        self.intent = "ask_question"

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Run the action Rasa would run for this message and return its messages."""
        intent, entities = self._parse(message)
        slots = self.slots.setdefault(sender, {"diagnosis_active": False})
        if intent == "choose_question":
            slots["question_id"] = next(
                (e["value"] for e in entities if e["entity"] == "question_id"), None
            )
        in_tree = bool(slots.get("diagnosis_active")) and intent != "request_human"
        action = "action_diagnose" if in_tree else self.rules.get(intent, "action_answer_question")
        if action.startswith("utter_"):
            return [self._render({"response": action}, sender)]
        latest = {
            "text": message,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": entities,
            "metadata": metadata or {},
        }
        call = {
            "next_action": action,
            "sender_id": sender,
            "tracker": {
                "sender_id": sender,
                "slots": dict(slots),
                "latest_message": latest,
                "events": [],
                "paused": False,
                "followup_action": None,
                "active_loop": {},
                "latest_action_name": "action_listen",
            },
            "domain": {},
            "version": "3.6.21",
        }
        result = await executor().run(call)
        if result is None:
            return []
        dumped = result.model_dump()
        for event in dumped.get("events") or []:
            if event.get("event") == "slot":
                slots[str(event["name"])] = event.get("value")
        return [self._render(r, sender) for r in dumped.get("responses") or []]

    def _parse(self, message: str) -> tuple[str, list[dict[str, Any]]]:
        m = PAYLOAD.match(message.strip())
        if not m:
            return self.intent, []
        intent, body = m.group(1), m.group(2)
        try:
            values = json.loads(body) if body else {}
        except ValueError:
            values = {}
        entities = [{"entity": k, "value": v} for k, v in values.items()]
        return intent, entities

    def _render(self, r: dict[str, Any], sender: str) -> dict[str, Any]:
        name = r.get("response") or r.get("template")
        text = r.get("text")
        buttons = r.get("buttons") or []
        if name and not text:
            variants = self.responses.get(str(name)) or [{}]
            variant = variants[len(sender) % len(variants)]
            text = variant.get("text")
            buttons = buttons or variant.get("buttons") or []
        out: dict[str, Any] = {"recipient_id": sender}
        if text:
            out["text"] = text
        if buttons:
            out["buttons"] = buttons
        if r.get("custom"):
            out["custom"] = r["custom"]
        if r.get("image"):
            out["image"] = r["image"]
        return out

    async def aclose(self) -> None:
        """Nothing to close."""
