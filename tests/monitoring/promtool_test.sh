#!/usr/bin/env bash
# promtool on deploy/monitoring/: `check rules` (syntax, templates) and
# `test rules` (tests/*.test.yml: each alert fires when it should and stays
# silent when it should not). Exit 77 (CTest: skipped) without promtool.
#   promtool_test.sh DIR    DIR: deploy/monitoring
set -euo pipefail
dir=$1
promtool=${PROMTOOL:-$(command -v promtool || true)}
if [ -z "$promtool" ]; then
  echo "promtool_test: SKIPPED: promtool not found (scripts/install-deps.sh --monitoring installs it)"
  exit 77
fi
"$promtool" check rules "$dir"/*.rules.yml
"$promtool" test rules "$dir"/tests/*.test.yml
