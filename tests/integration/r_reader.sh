#!/usr/bin/env bash
# The R reader analysis/R/read_run.R against h5py: usage: r_reader.sh MINESIM, run from the
# repository root (tests/cmake/r_reader.cmake). Makes a tiny run and the tiny batch, reads
# them with Rscript (hdf5r) and checks row counts, columns, units and values, bit for bit,
# against h5py. Needs r-base-core and r-cran-hdf5r.
set -euo pipefail
exe=$(realpath "$1")
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

command -v Rscript >/dev/null ||
  fail "Rscript not found: install the Debian packages r-base-core and r-cran-hdf5r"
Rscript -e 'suppressPackageStartupMessages(library(hdf5r))' ||
  fail "the R package hdf5r is missing: install the Debian package r-cran-hdf5r"

steps=12
"$exe" run scenarios/baseline.toml -o "$tmp/run.h5" --quiet --threads 1 \
  --set households.count=200 --set region.villages=5 --set region.side_km=10.0 \
  --set mines.count=4 --set mines.legacy_count=1 --set enterprises.count=2 \
  --set simulation.steps=$steps
"$exe" batch scenarios/batches/tiny.toml -o "$tmp/batch" --quiet --workers 1 --threads 1

# R prints what it read, one "key<TAB>value" line each, reals in C's exact hex notation (%a).
Rscript - "$tmp/run.h5" "$tmp/batch" >"$tmp/r.txt" <<'EOF' || fail "Rscript failed"
source("analysis/R/read_run.R")
args <- commandArgs(trailingOnly = TRUE)
out <- function(key, value) cat(key, "\t", paste(value, collapse = ","), "\n", sep = "")
ts <- read_timeseries(args[1])
out("ts_rows", nrow(ts))
out("ts_columns", names(ts))
out("ts_step", ts$step)
out("ts_step_class", class(ts$step))
out("ts_S_mean", sprintf("%a", ts$S_mean))
out("ts_units_damaged_ha", attr(ts, "units")[["damaged_ha"]])
out("ts_column_units_damaged_ha", attr(ts$damaged_ha, "units"))
attrs <- read_run_attributes(args[1])
out("run_seed", attrs$seed)
out("run_scenario_path", attrs$scenario_path)
index <- read_batch_index(args[2])
out("index_rows", nrow(index))
out("index_columns", names(index))
out("index_run_id", index$run_id)
out("index_arm", index$arm)
out("index_replicate", index$replicate)
out("index_seed", sprintf("%.0f", index$seed))
out("index_final_S_mean", sprintf("%a", index$final_S_mean))
out("index_units_wall_seconds", attr(index, "units")[["wall_seconds"]])
out("index_batch_runs", attr(index, "batch")$runs)
out("index_batch_git_commit", attr(index, "batch")$git_commit)
via_file <- read_batch_index(file.path(args[2], "index.h5"))
out("index_same_via_file", identical(via_file, index))
EOF

"$py" - "$tmp/run.h5" "$tmp/batch/index.h5" "$tmp/r.txt" "$steps" <<'EOF' || fail "R and h5py disagree"
import sys, h5py, numpy as np
run_path, index_path, r_path, steps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
r = {}
for line in open(r_path):
    key, _, value = line.rstrip("\n").partition("\t")
    r[key] = value.split(",") if value else []
def hex_values(key):
    return np.array([float.fromhex(v) for v in r[key]])
def same_bits(a, b):
    return a.shape == b.shape and a.astype(np.float64).tobytes() == b.astype(np.float64).tobytes()

with h5py.File(run_path, "r") as f:
    group = f["timeseries"]
    series = sorted(n for n, d in group.items() if d.attrs.get("CLASS") != b"DIMENSION_SCALE")
    assert len(series) > 50, series
    assert r["ts_rows"] == [str(steps + 1)], r["ts_rows"]
    assert r["ts_columns"] == ["step"] + series, (r["ts_columns"][:5], series[:5])
    assert r["ts_step"] == [str(s) for s in range(steps + 1)], r["ts_step"]
    assert r["ts_step_class"] == ["integer"], r["ts_step_class"]
    assert same_bits(hex_values("ts_S_mean"), group["S_mean"][()]), r["ts_S_mean"]
    assert r["ts_units_damaged_ha"] == [group["damaged_ha"].attrs["units"]] == ["ha"]
    assert r["ts_column_units_damaged_ha"] == ["ha"]
    assert r["run_seed"] == [str(f.attrs["seed"])]
    assert r["run_scenario_path"] == [f.attrs["scenario_path"]] == ["scenarios/baseline.toml"]

with h5py.File(index_path, "r") as f:
    runs = f["runs"]
    columns = [str(c) for c in runs.attrs["columns"]]
    assert r["index_rows"] == ["6"], r["index_rows"]
    assert r["index_columns"] == columns, (r["index_columns"], columns)
    assert r["index_run_id"] == list(runs["run_id"].asstr()[()])
    assert r["index_arm"] == list(runs["arm"].asstr()[()])
    assert r["index_replicate"] == [str(v) for v in runs["replicate"][()]]
    # Seeds are up to 53 bits: R holds them as doubles, exactly.
    assert r["index_seed"] == [str(v) for v in runs["seed"][()]], r["index_seed"]
    assert same_bits(hex_values("index_final_S_mean"), runs["final_S_mean"][()])
    assert r["index_units_wall_seconds"] == ["s"]
    assert r["index_batch_runs"] == ["6"]
    assert r["index_batch_git_commit"] == [f["batch"].attrs["git_commit"]]
    assert r["index_same_via_file"] == ["TRUE"]
print("R reads the run and the index as h5py does:", len(series), "series,",
      len(columns), "index columns")
EOF
echo "ok r_reader"
