#!/usr/bin/env bash
# Make sure Debian's Chromium is available for the browser smoke test
# (tests/browser/test_lab_smoke.py drives /usr/bin/chromium headless through
# Playwright's driver; Playwright's own browser download is never used).
# Installs it with apt-get when running as root on Debian/Ubuntu; otherwise
# prints one line and carries on: the browser test then skips and says why.
set -uo pipefail

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi

hint="chromium not found: install it with 'sudo apt-get install chromium'; the browser smoke test will be skipped."

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium with apt-get (for the browser smoke test)..."
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq chromium >/dev/null \
        && command -v chromium >/dev/null 2>&1; then
        echo "chromium installed: $(chromium --version 2>/dev/null)"
        exit 0
    fi
    echo "apt-get could not install chromium." >&2
fi

echo "$hint" >&2
exit 0
