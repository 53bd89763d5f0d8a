"""The chat page's call-back form over its live connection (预约回电, bot/handoff/callback.py).

`{"type": "callback_slots"}` -> `{"type": "callback_slots", "slots": [{"start", "end",
"label"}]}`; `{"type": "callback", "id", "phone", "slot", "note"?}` -> the stored confirmation
(a `bot` frame) and `{"type": "callback_booked", "id"}`, or `{"type": "callback_error", "id",
"code": "bad_phone" | "bad_slot" | "invalid", "text"}` (nothing stored).
"""

from __future__ import annotations

from typing import Any

from fastapi import WebSocket
from pydantic import BaseModel, Field, ValidationError

from bot.handoff import HandoffError, live
from bot.handoff.callback import NOTE_MAX_CHARS
from bot.services import Services


class WsCallback(BaseModel):
    """A call-back booked with the chat page's form."""

    type: str = Field(pattern="^callback$")
    id: str = Field("", max_length=64)
    phone: str = Field(max_length=40)
    slot: str = Field(max_length=40)
    note: str = Field("", max_length=NOTE_MAX_CHARS)


async def on_callback_frame(
    ws: WebSocket, svc: Services, sender: str, data: dict[str, Any]
) -> None:
    """Answer the form's frames: the slots on offer, or a booking."""
    if not svc.settings.handoff.callback:
        text = svc.texts.get("callback_no_slot")
        await ws.send_json({"type": "callback_error", "code": "unavailable", "text": text})
        return
    if data.get("type") == "callback_slots":
        await ws.send_json({"type": "callback_slots", "slots": live.callback_slots(svc.handoff)})
        return
    ref = str(data.get("id") or "")[:64]
    try:
        form = WsCallback.model_validate(data)
        frame = await live.book_callback(
            svc.handoff, "web", sender, form.phone, form.slot, form.note
        )
    except ValidationError:
        text = svc.texts.get("callback_invalid", limit=NOTE_MAX_CHARS)
        await ws.send_json({"type": "callback_error", "id": ref, "code": "invalid", "text": text})
        return
    except HandoffError as exc:
        await ws.send_json(
            {"type": "callback_error", "id": ref, "code": exc.code, "text": exc.message}
        )
        return
    await ws.send_json(frame)
    await ws.send_json({"type": "callback_booked", "id": ref})
