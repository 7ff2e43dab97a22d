# Sourced by the scripts: make sure `uv` is on PATH (installing it from PyPI if needed)
# and the project's environment matches uv.lock.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v uv >/dev/null 2>&1; then
  export PATH="$HOME/.local/bin:$PATH"
  if ! command -v uv >/dev/null 2>&1; then
    echo "Installing uv (the project's package manager) from PyPI..." >&2
    python3 -m pip install --user --quiet uv
  fi
fi
uv sync --frozen --quiet
