"""WeChat's side of the callback, for tests and the benchmark: real-format XML, signed and
(in compatible / safe mode) encrypted with wechatpy's implementation of the documented
algorithm, posted to the app's `/wechat`.
"""

from __future__ import annotations

import hashlib
import itertools
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import xmltodict
from wechatpy.crypto import WeChatCrypto

_msg_ids = itertools.count(int(time.time() * 1000) * 1000)


def new_msg_id() -> int:
    """A fresh 64-bit MsgId."""
    return next(_msg_ids)


def sha1_signature(*parts: str) -> str:
    """WeChat's signature, computed by hand: sha1 of the sorted parts joined."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def to_xml(fields: dict[str, Any]) -> str:
    """A callback body as WeChat writes it: strings in CDATA, numbers bare."""
    rows = [
        f"<{k}>{v}</{k}>" if isinstance(v, int) else f"<{k}><![CDATA[{v}]]></{k}>"
        for k, v in fields.items()
    ]
    return "<xml>" + "".join(rows) + "</xml>"


@dataclass
class Reply:
    """The app's answer to one callback."""

    status: int
    body: str
    fields: dict[str, Any] | None  # the reply message, decrypted; None for `success`/errors

    @property
    def content(self) -> str | None:
        return None if self.fields is None else self.fields.get("Content")


class WechatSim:
    """Posts callbacks of one Official Account to the app at `url`."""

    def __init__(self, url: str, token: str, app_id: str, aes_key: str) -> None:
        self.url = f"{url}/wechat"
        self.token = token
        self.app_id = app_id
        self.crypto = WeChatCrypto(token, aes_key, app_id)
        self.account = "gh_3c884a361561"

    def text(self, openid: str, content: str, msg_id: int | None = None, **kw: Any) -> dict:
        return self.message(openid, "text", msg_id, Content=content, **kw)

    def message(self, openid: str, msg_type: str, msg_id: int | None = None, **extra: Any) -> dict:
        fields: dict[str, Any] = {
            "ToUserName": self.account,
            "FromUserName": openid,
            "CreateTime": int(extra.pop("CreateTime", time.time())),
            "MsgType": msg_type,
            **extra,
        }
        fields["MsgId"] = msg_id if msg_id is not None else new_msg_id()
        return fields

    def event(self, openid: str, event: str, create_time: int | None = None, **extra: Any) -> dict:
        return {
            "ToUserName": self.account,
            "FromUserName": openid,
            "CreateTime": create_time or int(time.time()),
            "MsgType": "event",
            "Event": event,
            **extra,
        }

    def signed_query(self, timestamp: str, nonce: str) -> dict[str, str]:
        return {
            "signature": sha1_signature(self.token, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
        }

    def post(
        self, fields: dict[str, Any], mode: str = "plain", hand_signed: bool = False, **tamper: str
    ) -> Reply:
        """Post a callback in `plain`, `compatible` or `safe` mode; `tamper` overrides query.

        `hand_signed` computes the message signature here instead of taking wechatpy's.
        """
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
        query = {**self.signed_query(timestamp, nonce), "openid": fields["FromUserName"]}
        body = to_xml(fields)
        if mode != "plain":
            sealed = xmltodict.parse(self.crypto.encrypt_message(body, nonce, timestamp))["xml"]
            envelope = {"ToUserName": self.account, "Encrypt": sealed["Encrypt"]}
            if mode == "compatible":  # the plaintext fields travel along
                envelope = {**fields, "Encrypt": sealed["Encrypt"]}
            body = to_xml(envelope)
            signature = sealed["MsgSignature"]
            if hand_signed:
                signature = sha1_signature(self.token, timestamp, nonce, sealed["Encrypt"])
            query.update(encrypt_type="aes", msg_signature=signature)
        query.update(tamper)
        return self.send(query, body.encode("utf-8"), encrypted=mode != "plain")

    def send(self, query: dict[str, str], body: bytes, encrypted: bool = False) -> Reply:
        """Post a raw body with a query string."""
        resp = httpx.post(self.url, params=query, content=body, timeout=60)
        return self.read(resp, encrypted)

    def read(self, resp: httpx.Response, encrypted: bool) -> Reply:
        """Parse (and decrypt) the app's response."""
        body = resp.text
        if resp.status_code != 200 or body == "success" or not body:
            return Reply(resp.status_code, body, None)
        data = xmltodict.parse(body)["xml"]
        if encrypted:
            plain = self.crypto.decrypt_message(
                body, data["MsgSignature"], data["TimeStamp"], data["Nonce"]
            )
            data = xmltodict.parse(plain)["xml"]
        return Reply(resp.status_code, body, dict(data))
