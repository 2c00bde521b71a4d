#!/usr/bin/env bash
# ensure_program.sh PROGRAM APT_PACKAGE "HINT" — make sure a program from Debian is there.
#
# Installs APT_PACKAGE with apt-get when PROGRAM is missing and we run as root on
# Debian/Ubuntu; otherwise prints HINT (one line) and carries on: the tests that need
# PROGRAM skip and say why. Used for graphviz's `dot` (graph pictures) and Debian's
# `chromium` (the browser smoke test drives /usr/bin/chromium; no browser download).
set -uo pipefail
program=$1 package=$2 hint=$3

if command -v "$program" >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing $package with apt-get..."
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq "$package" >/dev/null \
        && command -v "$program" >/dev/null 2>&1; then
        echo "$package installed: $("$program" -V 2>&1 | head -1)"
        exit 0
    fi
    echo "apt-get could not install $package." >&2
fi

echo "$hint" >&2
exit 0
