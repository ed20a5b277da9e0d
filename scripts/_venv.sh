# Sourced by scripts/run and scripts/test: both install exactly the locked set (uv.lock) into
# .venv with `uv sync --locked`, which also fails when pyproject.toml and uv.lock disagree.
# uv itself is pinned with hashes in requirements/uv.txt and lives in .tools/, a venv of its own,
# so that syncing .venv never removes it. pip runs --isolated: the image's pip settings
# (extra indexes, find-links) play no part. A fresh Debian has python3 without python3-venv.

_apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

_ensure_uv() {
  local wanted
  wanted="$(sed -n 's/^uv==\([^ ]*\).*/\1/p' requirements/uv.txt)"
  if [ -x .tools/bin/uv ] && [ "$(.tools/bin/uv --version | cut -d' ' -f2)" = "$wanted" ]; then
    return 0
  fi
  rm -rf .tools
  if ! python3 -m venv .tools 2>/dev/null; then
    rm -rf .tools
    echo "python3 cannot make a virtual environment: installing python3-venv"
    _apt_install python3-venv
    python3 -m venv .tools
  fi
  .tools/bin/python -m pip --isolated install --quiet --disable-pip-version-check \
    --require-hashes --no-deps -r requirements/uv.txt
}

# sync_venv [--extra NAME ...]: make .venv hold the locked dependencies and dsar, nothing else.
sync_venv() {
  _ensure_uv
  UV_PYTHON_DOWNLOADS=never .tools/bin/uv sync --quiet --locked --python python3 "$@"
}
