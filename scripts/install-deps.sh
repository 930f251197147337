#!/usr/bin/env bash
# Installs the Debian 12 packages minesim needs, only those that are missing.
#
#   scripts/install-deps.sh [runtime] [analysis] [test]   install these lists (default: all three)
#   scripts/install-deps.sh --print LIST                  print one list, one package per line
#   scripts/install-deps.sh --missing LIST...             print what is missing of the lists
#
# The lists:
#   runtime   build and run minesim: compiler, CMake, the libraries it links, Open MPI, and
#             pybind11 with Python's headers for the Python module (docs/python.md);
#   analysis  the Python plotting and analysis stack (analysis/ and the Python module, run
#             with /usr/bin/python3);
#   test      the test suite: GoogleTest, HDF5's command-line tools, pytest, a Python venv
#             (the analysis package's install test), R with hdf5r (analysis/R), Slurm and
#             munge (a one-node Slurm cluster started by the test itself), and clang-14 with
#             libFuzzer, the compiler-rt sanitizer runtimes, LLVM's OpenMP runtime and
#             llvm-symbolizer (the fuzz target and the ThreadSanitizer build, docs/hardening.md),
#             and Jupyter's nbconvert with a Python kernel (the notebook the suite executes).
# scripts/baseline.sh installs runtime and analysis; scripts/test.sh installs all three.
# Installing Slurm or munge starts their system services (Debian's default); the tests start
# their own daemons, so this script stops and disables services that it installed itself.
# Uses sudo when not run as root.
set -euo pipefail

runtime=(
  build-essential cmake git pkg-config
  libboost-graph-dev libeigen3-dev libhdf5-dev libtoml11-dev libopenmpi-dev openmpi-bin
  librandom123-dev libcli11-dev pybind11-dev python3-dev
)
analysis=(
  python3 python3-h5py python3-numpy python3-pandas python3-matplotlib python3-scipy
  python3-xarray python3-h5netcdf
)
test=(
  libgtest-dev hdf5-tools python3-pytest python3-venv python3-pip python3-setuptools
  r-base-core r-cran-hdf5r
  slurm-wlm munge
  clang-14 llvm-14 libfuzzer-14-dev libclang-rt-14-dev libomp-14-dev
  python3-nbconvert python3-ipykernel jupyter-nbconvert
)

usage() {
  echo "usage: install-deps.sh [runtime] [analysis] [test] | --print LIST | --missing LIST..." >&2
  exit 2
}

# The packages of one list, by name.
list() {
  case "$1" in
  runtime) printf '%s\n' "${runtime[@]}" ;;
  analysis) printf '%s\n' "${analysis[@]}" ;;
  test) printf '%s\n' "${test[@]}" ;;
  *)
    echo "install-deps: unknown list '$1' (lists: runtime, analysis, test)" >&2
    exit 2
    ;;
  esac
}

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

mode=install
case "${1:-}" in
--print)
  [ $# -eq 2 ] || usage
  list "$2"
  exit 0
  ;;
--missing)
  mode=missing
  shift
  ;;
-h | --help) usage ;;
esac
lists=("$@")
[ ${#lists[@]} -gt 0 ] || lists=(runtime analysis test)
for l in "${lists[@]}"; do list "$l" >/dev/null; done # an unknown list: exit 2

wanted=()
for l in "${lists[@]}"; do
  mapfile -t packages < <(list "$l")
  wanted+=("${packages[@]}")
done
missing=()
for p in "${wanted[@]}"; do
  installed "$p" || missing+=("$p")
done
if [ "$mode" = missing ]; then
  [ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
  exit 0
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#wanted[@]} packages of ${lists[*]} present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
# Services of packages about to be installed: stopped and disabled afterwards.
new_services=()
for p in "${missing[@]}"; do
  case "$p" in
  munge) new_services+=(munge) ;;
  slurm-wlm) new_services+=(slurmd slurmctld) ;;
  esac
done
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
if [ ${#new_services[@]} -gt 0 ] && [ -d /run/systemd/system ]; then
  $sudo systemctl disable --now "${new_services[@]}" >/dev/null 2>&1 || true
fi
