"""Pictures and files: uploads from the chat page and the console, and serving them.

Who uploads proves it: a chat visitor with the signed visitor token of their `/ws/chat` hello
(`Authorization: Bearer <visitor token>`), an engineer with their staff token. Nothing names a
customer in a URL. Who reads proves it the same way (pages fetch with the header and show a
blob), and what is served can never run in the app's origin: a sandboxing
Content-Security-Policy, `nosniff`, the type sniffed at upload, and `attachment` for
everything but pictures.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Header, HTTPException, UploadFile
from fastapi.responses import Response

from bot.api.deps import ServicesDep, StaffUserClaims, audited, require_roles, staff_claims
from bot.handoff import HandoffError, console
from bot.media.access import Viewer, may_read
from bot.media.sniff import Refused
from bot.media.store import MediaStore, Stored
from bot.services import Services

router = APIRouter(tags=["media"])
Staff = Annotated[StaffUserClaims, Depends(require_roles("agent", "supervisor"))]
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
SERVED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, max-age=3600",
    "Vary": "Authorization",
}


def get_store(svc: ServicesDep) -> MediaStore:
    """The running media store."""
    return svc.media


StoreDep = Annotated[MediaStore, Depends(get_store)]


def bearer(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header."""
    if not authorization or not authorization.lower().startswith("bearer "):
        return None
    return authorization[7:].strip() or None


async def read_upload(file: UploadFile, store: MediaStore) -> bytes:
    """The uploaded bytes, refused with a Chinese message past the largest allowed size."""
    limit = store.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise Refused("media_too_large", 413, limit=f"{limit // (1024 * 1024)} MB")
    return data


def refused(svc: Services, exc: Refused) -> HTTPException:
    """A refused file as an HTTP error with its Chinese reason."""
    message = svc.texts.get(exc.code, **exc.values)
    return HTTPException(exc.status, detail={"code": exc.code, "message": message})


@router.post("/api/media/chat", status_code=201)
async def upload_from_chat(
    svc: ServicesDep,
    store: StoreDep,
    file: Annotated[UploadFile, File()],
    authorization: Annotated[str | None, Header(max_length=2048)] = None,
) -> dict[str, Any]:
    """A chat visitor's picture or file, kept for their conversation; the page then sends a
    message with its `id` as `attachment` over `/ws/chat`."""
    sender = svc.visitors.read(bearer(authorization))
    if sender is None:
        message = svc.texts.get("media_visitor_unknown")
        raise HTTPException(401, detail={"code": "visitor_required", "message": message})
    try:
        data = await read_upload(file, store)
        stored = await asyncio.to_thread(
            store.save,
            data,
            file.filename or "",
            channel="web",
            sender=sender,
            uploaded_by="customer",
        )
    except Refused as exc:
        raise refused(svc, exc) from exc
    return stored.view()


@router.post("/api/media/handoffs/{handoff_id}")
async def send_to_customer(
    handoff_id: int,
    svc: ServicesDep,
    store: StoreDep,
    user: Staff,
    file: Annotated[UploadFile, File()],
    text: Annotated[str, Form(max_length=2000)] = "",
) -> dict[str, Any]:
    """An engineer sends a picture or file (with optional words) to the customer of a
    conversation they hold; WeChat customers receive pictures only. Returns the handoff with
    its context, as `POST /api/handoffs/{id}/messages` does."""
    try:
        channel, sender = await svc.handoff.customer_of(handoff_id)
        data = await read_upload(file, store)
        stored = await asyncio.to_thread(
            store.save,
            data,
            file.filename or "",
            channel=channel,
            sender=sender,
            uploaded_by=f"agent:{user['username']}",
        )
        if stored.kind != "image" and channel != "web":
            raise Refused("media_channel_refused", 422)
        await svc.handoff.act(
            user["username"], user["role"], handoff_id, "send", text=text, attachment=stored.view()
        )
        found = await console.handoff_detail(svc.handoff, handoff_id)
    except Refused as exc:
        raise refused(svc, exc) from exc
    except HandoffError as exc:
        raise HTTPException(exc.status, detail={"code": exc.code, "message": exc.message}) from exc
    await audited(svc.db, user, "handoff.send", "handoff", handoff_id, media=stored.id)
    return found


@router.get("/media/{media_id}")
async def serve(
    media_id: str,
    svc: ServicesDep,
    store: StoreDep,
    authorization: Annotated[str | None, Header(max_length=2048)] = None,
) -> Response:
    """A kept picture or file, for the customer whose conversation holds it and for staff
    (bearer token); 404 for anyone else, as for an unknown id."""
    viewer = _viewer(svc, bearer(authorization))
    stored = await asyncio.to_thread(store.find, media_id)
    if stored is None or not may_read(stored, viewer or Viewer()):
        if viewer is None and stored is not None:
            raise HTTPException(401, detail={"code": "not_authenticated", "message": "请先登录"})
        raise HTTPException(404, detail={"code": "media_not_found", "message": "文件不存在"})
    try:
        data = await asyncio.to_thread(store.read, stored)
    except KeyError as exc:
        raise HTTPException(
            404, detail={"code": "media_not_found", "message": "文件不存在"}
        ) from exc
    if viewer is not None and viewer.role is not None:
        who = {"username": viewer.username or "", "role": viewer.role}
        await audited(svc.db, who, "media.read", "media", stored.id)
    return Response(data, media_type=_served_type(stored), headers=_headers(stored))


def _viewer(svc: Services, token: str | None) -> Viewer | None:
    if not token:
        return None
    visitor = svc.visitors.read(token)
    if visitor is not None:
        return Viewer(channel="web", sender=visitor)
    claims = staff_claims(svc, token)
    if claims is None:
        return None
    return Viewer(role=claims["role"], username=claims["username"])


def _served_type(stored: Stored) -> str:
    if stored.content_type == "text/plain":
        return "text/plain; charset=utf-8"
    return stored.content_type


def _headers(stored: Stored) -> dict[str, str]:
    inline = stored.content_type in INLINE_TYPES
    disposition = "inline" if inline else "attachment"
    ascii_name = stored.name.encode("ascii", "replace").decode().replace("?", "_")
    return {
        **SERVED_HEADERS,
        "Content-Disposition": (
            f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(stored.name)}"
        ),
    }
