#!/usr/bin/env bash
# Installs the Debian 12 packages minesim needs, only those that are missing. clang-14,
# libFuzzer, the compiler-rt sanitizer runtimes and LLVM's OpenMP runtime are for the fuzz
# target and the ThreadSanitizer build (docs/hardening.md); llvm-14 gives llvm-symbolizer.
# Uses sudo when not run as root.
set -euo pipefail

packages=(
  build-essential cmake git
  libboost-graph-dev libeigen3-dev libhdf5-dev libtoml11-dev libopenmpi-dev openmpi-bin
  librandom123-dev libcli11-dev libgtest-dev hdf5-tools
  python3-h5py python3-numpy python3-pandas python3-matplotlib python3-pytest
  slurm-wlm munge
  clang-14 llvm-14 libfuzzer-14-dev libclang-rt-14-dev libomp-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
