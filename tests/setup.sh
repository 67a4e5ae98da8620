#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian machine: the Python environment in .venv
# and the accessibility tools (Chromium, Java, Nu HTML Checker, axe-core). Idempotent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
bash tests/a11y/install.sh
