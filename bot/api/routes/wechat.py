"""The WeChat Official Account callback: URL verification (GET) and messages (POST)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import PlainTextResponse, Response

from bot.api.composition import channels_of
from bot.channels.wechat.channel import WechatChannel
from bot.channels.wechat.protocol import ProtocolError, Query
from bot.gateway.types import Draining

router = APIRouter(prefix="/wechat", tags=["wechat"])


def get_channel(request: Request) -> WechatChannel:
    """The running channel; 404 when no Official Account is configured."""
    channel = channels_of(request.app).wechat
    if channel is None:
        raise HTTPException(
            404, detail={"code": "wechat_not_configured", "message": "KEFU_WECHAT__TOKEN is unset"}
        )
    return channel


ChannelDep = Annotated[WechatChannel, Depends(get_channel)]


@router.get("", response_class=PlainTextResponse)
async def verify(
    channel: ChannelDep,
    signature: str = "",
    timestamp: str = "",
    nonce: str = "",
    echostr: str = "",
) -> PlainTextResponse:
    """URL verification: echo `echostr` when the request is signed with our token (with a
    timestamp inside the window)."""
    try:
        channel.protocol.check_signed(Query(signature, timestamp, nonce))
    except ProtocolError as exc:
        raise HTTPException(exc.status, detail={"code": exc.code, "message": exc.message}) from exc
    return PlainTextResponse(echostr)


@router.post("")
async def receive(
    request: Request,
    channel: ChannelDep,
    signature: str = "",
    timestamp: str = "",
    nonce: str = "",
    encrypt_type: str | None = None,
    msg_signature: str | None = None,
) -> Response:
    """A message or event: the passive reply (XML), or `success` when it comes later."""
    if channel.svc.gateway.draining:
        raise Draining("the app is stopping")  # 503: WeChat retries, on another replica
    query = Query(signature, timestamp, nonce, encrypt_type, msg_signature)
    try:
        body = await channel.handle(query, await request.body())
    except ProtocolError as exc:
        raise HTTPException(exc.status, detail={"code": exc.code, "message": exc.message}) from exc
    if body == "success":
        return PlainTextResponse(body)
    return Response(body, media_type="application/xml")
