#!/usr/bin/env bash
# Everything the demo and the tests need on a fresh Debian 12 + Node 20 machine, installed only when missing:
# Debian's Chromium (producer never downloads a browser), pnpm 12, the workspace from the frozen lockfile, a build.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

node_version=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null; then
  echo "producer needs Node.js >= 20.19 (found ${node_version})." >&2
  exit 1
fi

if [ -z "${PRODUCER_BROWSER_EXECUTABLE_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1 \
  && ! command -v chromium-browser >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1; then
  say "Installing Debian's chromium"
  if [ "$(id -u)" -eq 0 ]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends chromium >/dev/null
fi

PNPM_VERSION=12.21.0
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  if [ ! -x .tools/node_modules/.bin/pnpm ] || [ "$(.tools/node_modules/.bin/pnpm --version)" != "$PNPM_VERSION" ]; then
    say "Installing pnpm ${PNPM_VERSION} into .tools/"
    npm install --silent --no-save --prefix .tools "pnpm@${PNPM_VERSION}" >/dev/null
  fi
  export PATH="$PWD/.tools/node_modules/.bin:$PATH"
fi

# better-sqlite3 builds from source; point node-gyp at the headers on the machine instead of downloading them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
export TURBO_TELEMETRY_DISABLED=1

say "Installing the workspace (frozen lockfile)"
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -vE '^(Progress|Packages:|\+{3})' || true
test -d node_modules/.pnpm || { echo "pnpm install failed" >&2; exit 1; }

say "Building"
pnpm run build --output-logs=errors-only
