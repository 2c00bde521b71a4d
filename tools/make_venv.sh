#!/usr/bin/env bash
# Create the project's virtual environment: tools/make_venv.sh PYTHON VENV_DIR
# Checks the Python version first, and on Debian/Ubuntu (where `python3 -m venv`
# needs the separate python3-venv package) installs that package when root.
set -euo pipefail

python="${1:-python3}"
venv="${2:-.venv}"

if ! command -v "$python" >/dev/null 2>&1; then
    echo "'$python' not found: install Python 3.10 or newer (or run: make PYTHON=/path/to/python3 ...)." >&2
    exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "learntorch needs Python 3.10 or newer; '$python' is $("$python" -V 2>&1). Run: make PYTHON=python3.11 ..." >&2
    exit 1
fi

create() { rm -rf "$venv" && "$python" -m venv "$venv"; }

if ! create; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        ver="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        echo "Installing python3-venv with apt-get..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq python3-venv >/dev/null || apt-get install -y -qq "python${ver}-venv" >/dev/null
        create
    else
        rm -rf "$venv"
        echo "could not create a virtual environment: on Debian/Ubuntu install it with 'sudo apt-get install python3-venv'." >&2
        exit 1
    fi
fi
