#!/usr/bin/env bash
# Configures and builds minesim in build/ (Release).
#   scripts/build.sh [--target T]... [CMAKE_CONFIGURE_ARGUMENTS...]
# builds the named targets (default: all, which includes the tests unless
# -DMINESIM_BUILD_TESTS=OFF); other arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=()
configure=()
while [ $# -gt 0 ]; do
  case "$1" in
  --target)
    [ $# -ge 2 ] || { echo "build.sh: --target needs a target name" >&2; exit 2; }
    targets+=(--target "$2")
    shift 2
    ;;
  *)
    configure+=("$1")
    shift
    ;;
  esac
done
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${configure[@]}" >/dev/null
cmake --build build -j "$(nproc)" "${targets[@]}"
