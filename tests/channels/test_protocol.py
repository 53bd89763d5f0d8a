"""Callback checks and parsing in plaintext, compatible and safe mode (no server)."""

from __future__ import annotations

import time

import pytest
import xmltodict
from wechatpy.crypto import WeChatCrypto

from bot.channels.wechat.protocol import Protocol, ProtocolError, Query
from bot.config import WechatSettings
from tests.channels.conftest import AES_KEY, APP_ID, TOKEN
from tests.channels.wechat_sim import sha1_signature, to_xml

TS, NONCE = str(int(time.time())), "8r2kq0xz"  # signed now: within the timestamp window
TEXT = {
    "ToUserName": "gh_3c884a361561",
    "FromUserName": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M",
    "CreateTime": 1732350000,
    "MsgType": "text",
    "Content": "电脑开不了机",
    "MsgId": 24712345678901234,
}


@pytest.fixture(autouse=True)
def _signed_now() -> None:
    """Each test signs at its own time: the window counts from now, and a long session
    (the whole suite) reaches this module minutes after it was imported."""
    global TS
    TS = str(int(time.time()))


def protocol(mode: str = "auto", aes_key: str | None = AES_KEY, **extra: float) -> Protocol:
    return Protocol(
        WechatSettings(token=TOKEN, app_id=APP_ID, aes_key=aes_key, mode=mode, **extra)  # type: ignore[arg-type]
    )


def query(**extra: str) -> Query:
    return Query(sha1_signature(TOKEN, TS, NONCE), TS, NONCE, **extra)


def sealed(fields: dict[str, object]) -> tuple[bytes, Query]:
    """A safe-mode body and query, encrypted by wechatpy."""
    out = xmltodict.parse(
        WeChatCrypto(TOKEN, AES_KEY, APP_ID).encrypt_message(to_xml(fields), NONCE, TS)
    )
    encrypt = out["xml"]["Encrypt"]
    body = to_xml({"ToUserName": "gh_3c884a361561", "Encrypt": encrypt}).encode()
    return body, query(encrypt_type="aes", msg_signature=out["xml"]["MsgSignature"])


class TestSignatures:
    def test_url_verification_matches_a_hand_computed_signature(self) -> None:
        assert protocol().verify_url(query())
        assert not protocol().verify_url(Query("0" * 40, TS, NONCE))
        assert not protocol().verify_url(Query())

    def test_message_signature_is_sha1_of_sorted_token_timestamp_nonce_encrypt(self) -> None:
        body, q = sealed(TEXT)
        encrypt = xmltodict.parse(body)["xml"]["Encrypt"]
        assert q.msg_signature == sha1_signature(TOKEN, TS, NONCE, encrypt)

    def test_bad_signature_is_refused_with_403(self) -> None:
        with pytest.raises(ProtocolError) as err:
            protocol().parse(Query("bad", TS, NONCE), to_xml(TEXT).encode())
        assert (err.value.status, err.value.code) == (403, "bad_signature")

    def test_bad_message_signature_is_refused_with_403(self) -> None:
        body, q = sealed(TEXT)
        with pytest.raises(ProtocolError) as err:
            protocol().parse(Query(q.signature, TS, NONCE, "aes", "0" * 40), body)
        assert err.value.status == 403

    @pytest.mark.parametrize("age_s", [-400, 400, 6 * 365 * 86400])
    def test_signed_callback_outside_the_timestamp_window_is_refused(self, age_s: int) -> None:
        ts = str(int(time.time()) - age_s)
        stale = Query(sha1_signature(TOKEN, ts, NONCE), ts, NONCE)
        with pytest.raises(ProtocolError) as err:
            protocol().parse(stale, to_xml(TEXT).encode())
        assert (err.value.status, err.value.code) == (403, "stale_timestamp")

    def test_url_verification_outside_the_timestamp_window_is_refused(self) -> None:
        ts = "1580000000"  # 2020
        assert not protocol().verify_url(Query(sha1_signature(TOKEN, ts, NONCE), ts, NONCE))
        with pytest.raises(ProtocolError) as err:
            protocol().check_signed(Query(sha1_signature(TOKEN, ts, NONCE), ts, NONCE))
        assert (err.value.status, err.value.code) == (403, "stale_timestamp")

    def test_timestamp_window_is_a_setting(self) -> None:
        ts = str(int(time.time()) - 400)
        late = Query(sha1_signature(TOKEN, ts, NONCE), ts, NONCE)
        assert protocol(timestamp_window_s=600).parse(late, to_xml(TEXT).encode()).openid
        assert protocol(timestamp_window_s=0).parse(late, to_xml(TEXT).encode()).openid


class TestModes:
    def test_plaintext_message_is_parsed(self) -> None:
        incoming = protocol().parse(query(), to_xml(TEXT).encode())
        assert (incoming.kind, incoming.openid, incoming.encrypted) == (
            "text",
            TEXT["FromUserName"],
            False,
        )
        assert incoming.key == f"m:{TEXT['FromUserName']}:{TEXT['MsgId']}"

    def test_safe_mode_message_is_decrypted_and_the_reply_encrypted(self) -> None:
        body, q = sealed(TEXT)
        p = protocol("safe")
        incoming = p.parse(q, body)
        assert incoming.encrypted and incoming.fields["Content"] == "电脑开不了机"
        xml = p.reply(incoming, "您好 ]]> 测试")
        reply = xmltodict.parse(xml)["xml"]
        crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
        plain = crypto.decrypt_message(
            xml, reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"]
        )
        fields = xmltodict.parse(plain)["xml"]
        assert fields["Content"] == "您好 ]]> 测试"
        assert fields["ToUserName"] == TEXT["FromUserName"]

    def test_safe_mode_refuses_plaintext(self) -> None:
        with pytest.raises(ProtocolError) as err:
            protocol("safe").parse(query(), to_xml(TEXT).encode())
        assert err.value.code == "encryption_required"

    def test_plain_mode_cannot_read_encrypted_messages(self) -> None:
        body, q = sealed(TEXT)
        with pytest.raises(ProtocolError) as err:
            protocol("plain", aes_key=None).parse(q, body)
        assert (err.value.status, err.value.code) == (400, "encryption_not_configured")

    def test_messages_are_keyed_by_sender_and_msg_id(self) -> None:
        other = {**TEXT, "FromUserName": "o6_bmjrPTlm6_someone_else0000"}
        mine = protocol().parse(query(), to_xml(TEXT).encode())
        theirs = protocol().parse(query(), to_xml(other).encode())
        assert mine.fields["MsgId"] == theirs.fields["MsgId"] and mine.key != theirs.key

    def test_events_are_keyed_by_sender_and_time(self) -> None:
        event = {**TEXT, "MsgType": "event", "Event": "CLICK", "EventKey": "TOPIC_WIFI"}
        del event["Content"], event["MsgId"]
        incoming = protocol().parse(query(), to_xml(event).encode())
        assert incoming.kind == "event:click"
        assert incoming.key == f"e:{TEXT['FromUserName']}:{TEXT['CreateTime']}"

    @pytest.mark.parametrize(
        "body",
        [b"", b"not xml", b"<xml><MsgType>text</MsgType></xml>", b"<xml><FromUserName>a"],
    )
    def test_malformed_xml_is_a_400(self, body: bytes) -> None:
        with pytest.raises(ProtocolError) as err:
            protocol().parse(query(), body)
        assert (err.value.status, err.value.code) == (400, "malformed_xml")

    def test_stored_fields_rebuild_the_same_message(self) -> None:
        p = protocol()
        incoming = p.parse(query(), to_xml(TEXT).encode())
        again = p.from_fields(incoming.fields)
        assert (again.key, again.kind, again.fields["Content"]) == (
            incoming.key,
            "text",
            "电脑开不了机",
        )
