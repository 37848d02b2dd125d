# Sourced by app.sh and tests/run.sh: choose the Python environment to install into and run from, and
# set PYTHON to its interpreter. An active virtual or conda environment is used as it is; otherwise
# the project's own .venv, made on first use. Debian 12 and Ubuntu 24.04 refuse `pip install` into
# their system Python (PEP 668), and their python3 makes no venv until python3-venv is installed.

if [ -n "${VIRTUAL_ENV:-}" ]; then
  PYTHON="$VIRTUAL_ENV/bin/python"
elif [ -n "${CONDA_PREFIX:-}" ]; then
  PYTHON="$CONDA_PREFIX/bin/python"
else
  if [ ! -x .venv/bin/python ]; then
    rm -rf .venv
    if ! python3 -m venv .venv >/dev/null 2>&1; then
      rm -rf .venv
      echo "python3 cannot make a virtual environment; installing Debian's python3-venv (needs root or sudo)." >&2
      sudo_if_needed=$([ "$(id -u)" -eq 0 ] || echo sudo)
      $sudo_if_needed apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -qq python3-venv
      python3 -m venv .venv
    fi
  fi
  PYTHON="$PWD/.venv/bin/python"
fi

# Install a requirements file unless this environment already has exactly that file installed.
install_requirements() {
  local file=$1 stamp
  stamp="$("$PYTHON" -c 'import sys; print(sys.prefix)')/.draw-it-$(basename "$file").sha256"
  if [ ! -f "$stamp" ] || ! sha256sum --status -c "$stamp" 2>/dev/null; then
    "$PYTHON" -m pip install -q --disable-pip-version-check -r "$file"
    sha256sum "$PWD/$file" > "$stamp"
  fi
}
