"""`python -m bot.runtime`: write deploy/haproxy.cfg and deploy/kefu-busy.http from the same
code the tested topology uses (tests/runtime/test_deploy.py checks they are in step)."""

from __future__ import annotations

from bot.config import ROOT
from bot.runtime.balancer import busy_response, deployment
from bot.texts import Texts

DEPLOY = ROOT / "deploy"
BUSY_PATH = "/usr/local/etc/haproxy/kefu-busy.http"  # where compose and systemd put it


def main() -> None:
    """Write the two files."""
    (DEPLOY / "haproxy.cfg").write_text(deployment(2, 2, BUSY_PATH))
    busy = busy_response(Texts.load(ROOT / "knowledge").get("service_busy"))
    (DEPLOY / "kefu-busy.http").write_bytes(busy.encode("utf-8"))
    print(f"wrote {DEPLOY / 'haproxy.cfg'} and {DEPLOY / 'kefu-busy.http'}")


if __name__ == "__main__":
    main()
