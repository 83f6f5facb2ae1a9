#!/usr/bin/env bash
# Every test: sets the machine up if needed, runs each package's suite, then prints one summary line.
# PostgreSQL suites run when PRODUCER_TEST_POSTGRES_URL is set and are reported as skipped, by name, otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh

export PRODUCER_TEST_REPORT_DIR="$PWD/.test-reports"
rm -rf "$PRODUCER_TEST_REPORT_DIR" && mkdir -p "$PRODUCER_TEST_REPORT_DIR"
status=0
node scripts/check-engines.mjs || status=$?
pnpm run typecheck --output-logs=errors-only || status=$?
pnpm run lint --output-logs=errors-only || status=$?
pnpm run test || status=$?
node scripts/test-summary.mjs "$PRODUCER_TEST_REPORT_DIR" || status=1
exit "$status"
