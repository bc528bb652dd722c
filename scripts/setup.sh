#!/usr/bin/env bash
# Shared set-up for scripts/start and scripts/test: system libraries Qt needs (Debian/Ubuntu,
# when we are root or have sudo), then a virtualenv in .venv with the project installed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
QT_DEBS="libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 \
libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxcb-randr0 \
libxcb-xinerama0 libxrender1 libxi6 libglib2.0-0"

install_debs() {
  local wanted="$1" missing=()
  command -v dpkg-query >/dev/null 2>&1 || return 0
  for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo="sudo" || { echo "note: cannot install ${missing[*]} (not root); Qt may fail to start" >&2; return 0; }
  fi
  echo "Installing system libraries for Qt: ${missing[*]}" >&2
  $sudo apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || echo "note: apt-get could not install ${missing[*]}; Qt may fail to start" >&2
}

if command -v apt-get >/dev/null 2>&1; then
  install_debs "$QT_DEBS ${EXTRA_DEBS:-}"
fi

# The app and the tests get separate virtualenvs: the test extra brings scikit-learn and so numpy,
# which sqlite-utils imports whenever it is installed, adding ~0.1 s to every start of the app.
venv="${1:-.venv}"
extras="${2:-}"
stamp="$venv/.installed${extras:+-$extras}"
if [ ! -x "$venv/bin/python" ]; then
  "$PYTHON" -m venv "$venv"
fi
# Reinstall only when the dependency list changed since the last set-up.
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
