#!/usr/bin/env bash
# The pages' type check (tsc --checkJs) needs TypeScript from the npm registry, pinned in
# package-lock.json. Install Node.js (Debian) and the locked packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> installing Debian's nodejs and npm for the pages' type check"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "npm is missing: install Debian's 'nodejs' and 'npm' packages" >&2
    exit 1
  fi
fi
if [ ! -x node_modules/.bin/tsc ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> installing the pages' type checker (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
