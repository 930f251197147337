#!/usr/bin/env bash
# Installs what is missing (the runtime and analysis package lists of scripts/install-deps.sh:
# no test tools, no services), builds the minesim executable only, runs the baseline
# scenario and plots it: writes results/baseline.h5 and results/baseline.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh runtime analysis
bash scripts/build.sh --target minesim -DMINESIM_BUILD_TESTS=OFF
mkdir -p results
build/minesim run scenarios/baseline.toml -o results/baseline.h5 --force
/usr/bin/python3 analysis/plot_run.py results/baseline.h5 -o results/baseline.png
echo "baseline: results/baseline.h5 and results/baseline.png"
