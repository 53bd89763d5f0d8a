"""Journeys: every scripted conversation of `eval/journeys.yml` reaches its one expected end
state on the real stack (REST channel and WeChat, Rasa, actions, handoff desk), read through the
staff API.

The journeys play once for the module, a few at a time (`bench.journeys.play_all`); each is one
test, so a failure names the journey, what was expected and what happened, with the end of its
transcript. A journey marked `pending` (a feature still being built) is a strict xfail: when it
starts passing, the mark must go.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.journey_play import Journey, Outcome, load_journeys
from bench.journeys import play_all, wechat_api
from bot.auth.secrets import stored_secret
from tests.channels.conftest import TOKEN
from tests.conftest import LiveStack

pytestmark = pytest.mark.e2e

JOURNEYS = load_journeys()


def case(journey: Journey) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=journey.pending)] if journey.pending else []
    return pytest.param(journey, id=journey.id, marks=marks)


@pytest.fixture(scope="module")
def outcomes(live_stack: LiveStack) -> Iterator[dict[str, Outcome]]:
    """Every journey played; the app serves an Official Account meanwhile (WeChat journeys)."""
    before = dict(live_stack.extra_env)
    key = stored_secret(live_stack.work_dir / "var", "customer_token_secret")  # the app's
    if before.get("KEFU_WECHAT__TOKEN") == TOKEN:  # the WeChat tests' account is already served
        yield {o.journey.id: o for o in play_all(live_stack.url, JOURNEYS, 4, key)}
        return
    with wechat_api() as env:
        live_stack.restart_app({**before, **env})
        try:
            yield {o.journey.id: o for o in play_all(live_stack.url, JOURNEYS, 4, key)}
        finally:
            live_stack.restart_app(before)


@pytest.mark.parametrize("journey", [case(j) for j in JOURNEYS])
def test_journey_reaches_its_end_state(outcomes: dict[str, Outcome], journey: Journey) -> None:
    outcome = outcomes[journey.id]
    assert outcome.passed, outcome.report()
