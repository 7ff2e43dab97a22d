# Sourced by the scripts: make sure `uv` can be run and the project's environment matches uv.lock.
#
# An `uv` already on PATH is used as it is.  Otherwise uv is installed from PyPI into a private
# virtual environment inside the project (.tools/uv-venv, made with `python3 -m venv` and its own
# pip), so that a stock Debian or Ubuntu Python with only python3 and python3-venv is enough: the
# system Python is never changed (no `pip --user`, which PEP 668 refuses there anyway).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v uv >/dev/null 2>&1; then
  tools="$PWD/.tools"
  if [ ! -x "$tools/uv-venv/bin/uv" ]; then
    python="$(command -v python3 || true)"
    if [ -z "$python" ]; then
      echo "Python 3.11 is needed: install it (Debian/Ubuntu: apt-get install python3 python3-venv)." >&2
      exit 1
    fi
    if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$python is Python $("$python" -c 'import platform; print(platform.python_version())');" \
        "Relief Journal needs 3.11 (put a python3 3.11 first on PATH, or install uv)." >&2
      exit 1
    fi
    echo "Installing uv (the project's package manager) from PyPI into .tools/uv-venv..." >&2
    rm -rf "$tools/uv-venv"
    if ! "$python" -m venv "$tools/uv-venv" >/dev/null; then
      echo "Could not create a virtual environment with $python -m venv." >&2
      echo "On Debian or Ubuntu install it first: apt-get install python3-venv" >&2
      exit 1
    fi
    "$tools/uv-venv/bin/python" -m pip install --quiet --disable-pip-version-check uv
    # The interpreter the project's own environment is made from, the next time too.
    "$python" -c 'import os, sys; print(os.path.realpath(sys.executable))' >"$tools/python"
  fi
  # Only uv goes on PATH (not the helper environment's python3).
  mkdir -p "$tools/bin"
  ln -sf "$tools/uv-venv/bin/uv" "$tools/bin/uv"
  export PATH="$tools/bin:$PATH"
  if [ -z "${UV_PYTHON:-}" ] && [ -s "$tools/python" ]; then
    UV_PYTHON="$(cat "$tools/python")"
    export UV_PYTHON
  fi
fi
uv sync --frozen --quiet
