"""Signed customer tokens: only a good signature with the right claims identifies a customer."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest

from bot.config import AuthSettings, Settings
from bot.profile.token import issue_customer_token, token_secret, verify_customer_token
from tests.profile.conftest import SECRET


class TestVerify:
    def test_signed_token_names_the_member(self) -> None:
        token = issue_customer_token("XL10000001", SECRET)
        assert verify_customer_token(token, SECRET) == "XL10000001"

    def test_unsigned_token_is_ignored(self) -> None:
        token = jwt.encode({"sub": "XL10000001", "exp": int(time.time()) + 60}, None, "none")
        assert verify_customer_token(token, SECRET) is None

    def test_expired_token_is_ignored(self) -> None:
        past = int(time.time()) - 3600
        token = jwt.encode({"sub": "XL10000001", "exp": past}, SECRET, "HS256")
        assert verify_customer_token(token, SECRET) is None

    def test_forged_token_is_ignored(self) -> None:
        token = issue_customer_token("XL10000001", "someone-elses-secret-0123456789abcdef")
        assert verify_customer_token(token, SECRET) is None

    def test_tampered_claims_are_ignored(self) -> None:
        header, _, signature = issue_customer_token("XL10000001", SECRET).split(".")
        other = jwt.encode({"sub": "XL10000002", "exp": int(time.time()) + 60}, SECRET, "HS256")
        forged = ".".join([header, other.split(".")[1], signature])
        assert verify_customer_token(forged, SECRET) is None

    @pytest.mark.parametrize(
        "claims",
        [
            {"exp": 4102444800},  # no sub
            {"sub": "XL10000001"},  # no exp: a token must not live forever
            {"sub": 42, "exp": 4102444800},
            {"sub": "  ", "exp": 4102444800},
        ],
    )
    def test_bad_claims_are_ignored(self, claims: dict[str, object]) -> None:
        token = jwt.encode(claims, SECRET, "HS256")
        assert verify_customer_token(token, SECRET) is None

    @pytest.mark.parametrize("value", [None, 42, "", "not.a.jwt", {"sub": "XL10000001"}])
    def test_garbage_is_ignored(self, value: object) -> None:
        assert verify_customer_token(value, SECRET) is None

    def test_no_secret_no_identity(self) -> None:
        token = issue_customer_token("XL10000001", SECRET)
        assert verify_customer_token(token, None) is None


class TestSecret:
    STAFF = "a-real-staff-secret-value-of-32-chars+"

    @pytest.mark.parametrize("key", [None, "kefu-dev-customer-token-secret-change-me", "short-key"])
    def test_unset_published_or_short_keys_are_refused_in_production(self, key: str | None) -> None:
        prod = Settings(
            profile="production",
            auth=AuthSettings(secret=self.STAFF, customer_token_secret=key),
        )
        assert token_secret(prod) is None
        good = "a-customer-token-key-of-32-chars-or-more"
        prod.auth.customer_token_secret = good
        assert token_secret(prod) == good

    def test_the_embedded_profile_generates_its_key_once_under_var(self, tmp_path: Path) -> None:
        key = token_secret(Settings(var_dir=tmp_path))
        assert key and len(key) >= 32 and key != "kefu-dev-customer-token-secret-change-me"
        kept = tmp_path / "secrets" / "customer_token_secret"
        assert kept.read_text().strip() == key
        assert token_secret(Settings(var_dir=tmp_path)) == key

    def test_empty_turns_tokens_off(self) -> None:
        assert token_secret(Settings(auth=AuthSettings(customer_token_secret=""))) is None
