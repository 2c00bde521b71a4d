#!/usr/bin/env bash
# Make sure graphviz's `dot` executable is available (the Python `graphviz`
# package only wraps it). Installs it with apt-get when running as root on a
# Debian/Ubuntu machine; otherwise prints one line and carries on: the tests
# that need `dot` are marked `graphviz` and report that they need it.
set -uo pipefail

if command -v dot >/dev/null 2>&1; then
    exit 0
fi

hint="graphviz 'dot' not found: install it with 'sudo apt-get install graphviz' (or 'brew install graphviz'); graph tests will report that they need it."

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing graphviz (dot) with apt-get..."
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq graphviz >/dev/null \
        && command -v dot >/dev/null 2>&1; then
        echo "graphviz installed: $(dot -V 2>&1)"
        exit 0
    fi
    echo "apt-get could not install graphviz." >&2
fi

echo "$hint" >&2
exit 0
