#!/usr/bin/env bash
# Installs every Debian package audiogan needs to build, test and run.
# Idempotent: only missing packages are installed; uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git clang-format
  clang libclang-rt-14-dev
  libtorch-dev libopenblas0-pthread libgloo-dev
  libsndfile1-dev libsoxr-dev libcairo2-dev
  libcpp-httplib-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  hydrogen-drumkits
  python3-torch python3-torchaudio python3-numpy
  espeak-ng sox
  chromium nodejs
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

# Some images ship a nodejs that bundles npm and conflicts with Debian's npm package.
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Debian's LibTorch links the generic BLAS; the pthread OpenBLAS must be the active alternative
# or ConvTranspose2d runs about 11x slower.
for alternative in libblas.so.3-x86_64-linux-gnu liblapack.so.3-x86_64-linux-gnu; do
  target=$(update-alternatives --list "$alternative" 2>/dev/null | grep openblas-pthread | head -n 1 || true)
  if [ -n "$target" ]; then
    "${sudo_cmd[@]}" update-alternatives --set "$alternative" "$target" >/dev/null
  fi
done

# playwright-core drives Debian's chromium in the browser test; it never downloads a browser.
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ ! -d "$script_dir/../tests/browser/node_modules/playwright-core" ] && [ -f "$script_dir/../tests/browser/package.json" ]; then
  (cd "$script_dir/../tests/browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent)
fi
echo "install-deps: all packages present"
