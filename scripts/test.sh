#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh -DMINESIM_WARNINGS_AS_ERRORS=ON -DMINESIM_BUILD_TESTS=ON
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
