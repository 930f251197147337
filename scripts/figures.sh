#!/usr/bin/env bash
# Remakes the README's pictures (docs/img/*.png) and the baseline survey report
# (docs/survey_baseline.md) from the shipped scenarios with the built binary (build/minesim).
# The batch pictures use compensation_models.toml reduced to 2,000 households and 5
# replicates. About a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
exe=${MINESIM:-build/minesim}
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$exe" run scenarios/baseline.toml -o "$tmp/base.h5" --quiet
"$py" analysis/plot_run.py "$tmp/base.h5" -o docs/img/dashboard.png
"$py" analysis/plot_distributions.py "$tmp/base.h5" --by county -o docs/img/distributions.png
"$py" analysis/plot_network.py "$tmp/base.h5" -o docs/img/network.png
"$py" analysis/survey_report.py "$tmp/base.h5" >docs/survey_baseline.md
"$exe" batch scenarios/batches/compensation_models.toml -o "$tmp/cm" --quiet \
  --replicates 5 --set households.count=2000
"$py" analysis/plot_batch.py "$tmp/cm" -m disputes_open -o docs/img/batch.png
"$py" analysis/plot_forest.py "$tmp/cm" -m S_mean -b enterprise_direct -o docs/img/forest.png
echo "figures: docs/img/*.png and docs/survey_baseline.md"
