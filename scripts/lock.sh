#!/usr/bin/env bash
# Re-pin requirements/*.txt from the ranges in pyproject.toml (run after changing them).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/base" && "$tmp/base/bin/pip" install -q --upgrade pip
"$tmp/base/bin/pip" install -q .
{ echo "# Pinned by scripts/lock.sh from pyproject.toml; do not edit by hand."; \
  "$tmp/base/bin/pip" freeze --exclude sahl; } > requirements/base.txt
"$tmp/base/bin/pip" install -q ".[test]"
{ echo "# Pinned by scripts/lock.sh from pyproject.toml; do not edit by hand."; echo "-r base.txt"; \
  "$tmp/base/bin/pip" freeze --exclude sahl | grep -v -x -F -f <(tail -n +2 requirements/base.txt); } > requirements/test.txt
python3 -m venv "$tmp/bench" && "$tmp/bench/bin/pip" install -q --upgrade pip
"$tmp/bench/bin/pip" install -q -r requirements/base.txt ".[bench]"
{ echo "# Pinned by scripts/lock.sh from pyproject.toml; do not edit by hand."; echo "-r base.txt"; \
  "$tmp/bench/bin/pip" freeze --exclude sahl | grep -v -x -F -f <(tail -n +2 requirements/base.txt); } > requirements/bench.txt
wc -l requirements/*.txt
