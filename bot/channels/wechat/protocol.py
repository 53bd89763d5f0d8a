"""The callback protocol: signatures, plaintext / compatible / safe mode, XML in and out."""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import xmltodict
from wechatpy import parse_message
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.config import WechatSettings


class ProtocolError(Exception):
    """A callback that is refused: `status` and `code` go into the uniform error body."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Query:
    """The query string WeChat signs a callback with."""

    signature: str = ""
    timestamp: str = ""
    nonce: str = ""
    encrypt_type: str | None = None
    msg_signature: str | None = None


@dataclass
class Incoming:
    """One parsed callback message or event."""

    message: BaseMessage
    encrypted: bool
    fields: dict[str, Any] = field(default_factory=dict)
    stored_key: str | None = None  # the key of a row recorded earlier (possibly older format)

    @property
    def openid(self) -> str:
        return str(self.message.source)

    @property
    def kind(self) -> str:
        """`text`, `voice`, `image`, ... or `event:<name>` (`event:click`, `event:subscribe`)."""
        if self.message.type == "event":
            return f"event:{str(self.fields.get('Event', '')).lower()}"
        return str(self.fields.get("MsgType", self.message.type)).lower()

    @property
    def key(self) -> str:
        """The dedupe key within an account: sender + MsgId for messages, sender + CreateTime
        for events. MsgId alone is not trusted to be unique across senders."""
        if self.stored_key is not None:
            return self.stored_key
        msg_id = self.fields.get("MsgId")
        raw = (
            f"m:{self.openid}:{msg_id}"
            if msg_id
            else f"e:{self.openid}:{self.fields.get('CreateTime')}"
        )
        return raw if len(raw) <= 64 else hashlib.sha1(raw.encode()).hexdigest()


class Protocol:
    """Checks and parses callbacks of one Official Account and renders its replies."""

    def __init__(self, settings: WechatSettings) -> None:
        if not settings.token:
            raise ValueError("KEFU_WECHAT__TOKEN is not set")
        self.token = settings.token
        self.timestamp_window_s = settings.timestamp_window_s
        self.mode = settings.mode
        if self.mode == "auto":
            self.mode = "compatible" if settings.aes_key else "plain"
        self.crypto = None
        if settings.aes_key:
            from wechatpy.crypto import WeChatCrypto

            self.crypto = WeChatCrypto(self.token, settings.aes_key, settings.app_id or "")
        if self.mode != "plain" and self.crypto is None:
            raise ValueError(f"mode {self.mode} needs KEFU_WECHAT__AES_KEY")

    def verify_url(self, query: Query) -> bool:
        """True when a URL-verification request is signed with our token, recently."""
        try:
            self.check_signed(query)
        except ProtocolError:
            return False
        return True

    def check_signed(self, query: Query) -> None:
        """Refuse (ProtocolError 403) a query not signed with our token, or signed with a
        timestamp outside the window (a replayed capture)."""
        try:
            check_signature(self.token, query.signature, query.timestamp, query.nonce)
        except InvalidSignatureException as exc:
            raise ProtocolError(403, "bad_signature", "signature does not match") from exc
        self._check_timestamp(query.timestamp)

    def parse(self, query: Query, body: bytes) -> Incoming:
        """Check the signature, decrypt when encrypted, and parse the message."""
        self.check_signed(query)
        encrypted = (query.encrypt_type or "").lower() == "aes"
        if encrypted:
            xml = self._decrypt(query, body)
        elif self.mode == "safe":
            raise ProtocolError(403, "encryption_required", "safe mode accepts encrypted only")
        else:
            xml = body.decode("utf-8", errors="replace")
        try:
            message = parse_message(xml)
            fields = dict(message._data)
            if not message.source or not fields.get("CreateTime"):
                raise ValueError("FromUserName or CreateTime missing")
            int(fields.get("MsgId") or 0)
        except Exception as exc:  # noqa: BLE001 - any parse failure is the sender's error
            raise ProtocolError(400, "malformed_xml", f"not a WeChat message: {exc}") from exc
        return Incoming(message=message, encrypted=encrypted, fields=fields)

    def _check_timestamp(self, timestamp: str) -> None:
        """Refuse a signed callback whose timestamp is far from now (a replayed capture)."""
        if not self.timestamp_window_s:
            return
        try:
            skew = abs(time.time() - int(timestamp))
        except ValueError as exc:
            raise ProtocolError(403, "bad_timestamp", "timestamp is not a number") from exc
        if skew > self.timestamp_window_s:
            raise ProtocolError(
                403,
                "stale_timestamp",
                f"timestamp is {skew:.0f} s from now (window {self.timestamp_window_s:.0f} s)",
            )

    def _decrypt(self, query: Query, body: bytes) -> str:
        if self.crypto is None or self.mode == "plain":
            raise ProtocolError(400, "encryption_not_configured", "no EncodingAESKey set")
        try:
            return str(
                self.crypto.decrypt_message(
                    body, query.msg_signature or "", query.timestamp, query.nonce
                )
            )
        except (InvalidSignatureException, InvalidAppIdException) as exc:
            raise ProtocolError(403, "bad_signature", "message signature does not match") from exc
        except Exception as exc:  # noqa: BLE001 - bad XML, missing Encrypt, bad padding
            raise ProtocolError(400, "malformed_xml", f"cannot decrypt: {exc}") from exc

    def reply(self, incoming: Incoming, text: str) -> str:
        """A passive text reply, encrypted when the callback was."""
        # CDATA cannot hold "]]>": split it across two sections.
        content = text.replace("]]>", "]]]]><![CDATA[>")
        xml = TextReply(message=incoming.message, content=content).render()
        if incoming.encrypted and self.crypto is not None:
            nonce = uuid.uuid4().hex[:16]
            return str(self.crypto.encrypt_message(xml, nonce, str(int(time.time()))))
        return str(xml)

    def from_fields(self, fields: dict[str, Any], key: str | None = None) -> Incoming:
        """Rebuild a callback from its stored fields and key (to answer it later)."""
        message = parse_message(xmltodict.unparse({"xml": fields}))
        return Incoming(
            message=message, encrypted=False, fields=dict(message._data), stored_key=key
        )
