#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine (as root), then run the whole suite.
# Usage: bash tests/run.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(buildah podman skopeo runc uidmap fuse-overlayfs mmdebstrap umoci docker-registry apache2-utils
              gnupg shellcheck git python3-venv ca-certificates busybox-static apparmor
              default-jdk-headless rustc php-cli php-fpm ruby nginx-light)  # real runs of the stacks' health probes
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
# checkov pins many libraries of its own: it lives in a venv of its own, linked into .venv/bin.
if [ ! -x .venv-checkov/bin/checkov ]; then
  "$PY" -m venv .venv-checkov
  .venv-checkov/bin/python -m pip install -q --disable-pip-version-check 'checkov>=3.2,<4'
fi
ln -sf "$PWD/.venv-checkov/bin/checkov" .venv/bin/checkov

export PATH="$PWD/.venv/bin:$PATH"
export BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=true
# --dist loadfile: each end-to-end stack's module (its build, run and rebuild) stays on one worker.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
