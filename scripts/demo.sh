#!/usr/bin/env bash
# The main job on embedded defaults: sets the machine up if needed, then runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
pnpm run --silent demo
