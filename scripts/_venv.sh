# Sourced by scripts/run and scripts/test: make .venv, installing Debian's venv module if the
# system Python lacks it (a fresh Debian has python3 without python3-venv).
make_venv() {
  [ -x .venv/bin/python ] && return 0
  if ! python3 -m venv .venv 2>/dev/null; then
    rm -rf .venv
    echo "python3 cannot make a virtual environment: installing python3-venv"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    python3 -m venv .venv
  fi
}
