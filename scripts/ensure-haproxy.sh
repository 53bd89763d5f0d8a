#!/usr/bin/env bash
# The production topology puts Debian's HAProxy in front of the replicas. Install it when
# missing and we are root.
set -euo pipefail
if command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; then exit 0; fi
if [ "$(id -u)" = 0 ]; then
  echo "==> installing Debian's haproxy for the production topology"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  # the package starts a service of its own on some systems; we run our own instances
  (command -v systemctl >/dev/null && systemctl disable --now haproxy) >/dev/null 2>&1 || true
  service haproxy stop >/dev/null 2>&1 || true
else
  echo "haproxy is missing: install Debian's 'haproxy' package (sudo apt-get install haproxy)" >&2
  exit 1
fi
