"""deploy/ stays in step with the topology the fault tests run: the same HAProxy
configuration, the same settings, every variable endpoints.yml reads."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.runtime.__main__ import BUSY_PATH
from bot.runtime.balancer import Listeners, Server, busy_response, check, deployment, render
from bot.runtime.endpoints import store_env
from bot.texts import Texts
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"


def env_file() -> dict[str, str]:
    lines = (DEPLOY / "kefu.env").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if "=" in line and not line.startswith("#")]
    return {k.strip(): v.strip() for k, v in pairs}


def test_deploy_haproxy_configuration_is_the_one_the_tested_code_writes() -> None:
    assert (DEPLOY / "haproxy.cfg").read_text() == deployment(2, 2, BUSY_PATH)
    busy = busy_response(Texts.load(ROOT / "knowledge").get("service_busy"))
    assert (DEPLOY / "kefu-busy.http").read_bytes() == busy.encode("utf-8")


@pytest.mark.skipif(shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists(),
                    reason="Debian's haproxy is installed by make test-production")  # fmt: skip
def test_haproxy_accepts_the_generated_configuration(tmp_path: Path) -> None:
    busy = tmp_path / "busy.http"
    busy.write_text(busy_response("忙"), encoding="utf-8")
    config = tmp_path / "haproxy.cfg"
    listen = Listeners("127.0.0.1:18000", "127.0.0.1:18055", "127.0.0.1:18005")
    apps = [Server("app1", "127.0.0.1:18001"), Server("app2", "127.0.0.1:18002")]
    config.write_text(render(listen, apps, [Server("rasa1", "127.0.0.1:18006")], busy))
    check(config)


def test_deploy_settings_give_rasa_every_store_variable_endpoints_yml_reads() -> None:
    env = env_file()
    wanted = set(re.findall(r"\$\{(\w+)\}", (ROOT / "endpoints.yml").read_text()))
    assert wanted - env.keys() == set()
    derived = store_env(env["KEFU_RASA__TRACKER_STORE_URL"], env["KEFU_RASA__LOCK_STORE_URL"])
    assert {k: env[k] for k in derived} == derived


def test_compose_runs_the_replicas_the_balancer_names() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    cfg = (DEPLOY / "haproxy.cfg").read_text()
    named = set(re.findall(r"^    server (\w+) ", cfg, re.MULTILINE))
    assert named == {"app1", "app2", "rasa1", "rasa2"}
    assert named <= set(compose["services"])
    assert compose["services"]["haproxy"]["ports"] == ["8000:8000"]


def test_store_settings_become_rasa_endpoint_variables() -> None:
    env = store_env(
        "postgresql://kefu:p%40ss@db.internal:5433/kefu_rasa?login_db=postgres",
        "redis://:secret@cache:6380/2?prefix=kefurasa",
    )
    assert env["KEFU_RASA_TRACKER_STORE"] == "sql"
    assert env["KEFU_RASA_TRACKER_PASSWORD"] == "p@ss"
    assert (env["KEFU_RASA_TRACKER_HOST"], env["KEFU_RASA_TRACKER_PORT"]) == ("db.internal", "5433")
    assert env["KEFU_RASA_TRACKER_LOGIN_DB"] == "postgres"
    assert env["KEFU_RASA_LOCK_STORE"] == "redis"
    assert (env["KEFU_RASA_LOCK_DB"], env["KEFU_RASA_LOCK_PASSWORD"]) == ("2", "secret")
    embedded = store_env(None, None)
    assert embedded["KEFU_RASA_TRACKER_STORE"].endswith("InMemoryTrackerStore")
    assert embedded["KEFU_RASA_LOCK_STORE"] == "in_memory"
    with pytest.raises(ValueError, match="alphanumeric"):
        store_env(None, "redis://cache:6379/0?prefix=kefu-rasa")
    with pytest.raises(ValueError, match="postgresql"):
        store_env("mysql://db/kefu", None)
