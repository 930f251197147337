#!/usr/bin/env bash
# Helpers shared by the batch tests (batch.sh, batch_slurm.sh); sourced, not run. Expects
# $py (a Python with h5py), $tmp (a scratch folder), $tiny (the tiny batch) and fail().

# Runs as root in CI: mpirun needs to be told that is fine.
mpirun_np() { mpirun --allow-run-as-root --oversubscribe -np "$@"; }

# The datasets of two run files are bit-identical (attributes such as threads, host and
# times may differ).
same_datasets() {
  local a=$1 b=$2
  for obj in /timeseries /panel /network /households /villages /mines; do
    h5diff -q "$a" "$b" "$obj" "$obj" || fail "$obj differs between $a and $b"
  done
}

# Every run file of batch folder $1 has bit-identical datasets to the one of the same name in
# $2, and both folders hold the same run files (one Python process: h5diff per dataset group
# and file is slow).
same_run_files() {
  "$py" - "$1/runs" "$2/runs" <<'EOF' || fail "run files of $1 and $2 differ"
import os, sys, h5py
a_dir, b_dir = sys.argv[1:3]
names = sorted(n for n in os.listdir(a_dir) if n.endswith(".h5"))
assert names, f"no run files in {a_dir}"
assert names == sorted(n for n in os.listdir(b_dir) if n.endswith(".h5")), "different run files"
def datasets(group, prefix=""):
    for key, item in group.items():
        if isinstance(item, h5py.Group):
            yield from datasets(item, f"{prefix}/{key}")
        else:
            yield f"{prefix}/{key}", item
for name in names:
    with h5py.File(os.path.join(a_dir, name), "r") as a, h5py.File(os.path.join(b_dir, name), "r") as b:
        for top in ("timeseries", "panel", "network", "households", "villages", "mines"):
            assert (top in a) == (top in b), f"{name}: /{top} in one file only"
            if top not in a:
                continue
            da, db = dict(datasets(a[top])), dict(datasets(b[top]))
            assert da.keys() == db.keys(), f"{name}: /{top} holds different datasets"
            for key in da:
                x, y = da[key][()], db[key][()]
                assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes(), \
                    f"{name}: /{top}{key} differs"
EOF
}

# The index tables of two batch folders are the same, wall-clock column aside.
same_index() {
  "$py" - "$1/index.h5" "$2/index.h5" <<'EOF'
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
ca, cb = list(a["runs"].attrs["columns"]), list(b["runs"].attrs["columns"])
assert ca == cb, f"columns differ: {ca} vs {cb}"
assert list(a["runs"]) == ca, "h5py does not list /runs in column order"
for c in ca:
    if c == "wall_seconds":
        continue
    x, y = a["runs"][c][()], b["runs"][c][()]
    if x.dtype.kind == "f":
        assert np.array_equal(x, y, equal_nan=True), f"column {c} differs: {x} vs {y}"
    else:
        assert list(x) == list(y), f"column {c} differs: {x} vs {y}"
    for attr in ("units", "description"):
        assert a["runs"][c].attrs[attr] == b["runs"][c].attrs[attr], f"{c}.{attr} differs"
la = {k: a["links"].get(k, getlink=True).filename for k in a["links"]}
lb = {k: b["links"].get(k, getlink=True).filename for k in b["links"]}
assert la == lb, f"links differ: {la} vs {lb}"
assert dict(a["batch"].attrs) == dict(b["batch"].attrs), "/batch attributes differ"
EOF
}

# Status of every run in the index, as "id=status" words.
statuses() {
  "$py" - "$1/index.h5" <<'EOF'
import sys, h5py
r = h5py.File(sys.argv[1], "r")["runs"]
print(" ".join(f"{i}={s}" for i, s in zip(r["run_id"].asstr()[()], r["status"].asstr()[()])))
EOF
}

# A copy of the tiny batch in folder $tmp, its scenario named by absolute path, with the
# `sed` edits given after the name applied (lines keep their numbers).
variant() {
  local name=$1
  shift
  local edits=(-e "s|^scenario = .*|scenario = \"$PWD/scenarios/baseline.toml\"|")
  for e in "$@"; do edits+=(-e "$e"); done
  sed "${edits[@]}" "$tiny" > "$tmp/$name.toml"
  echo "$tmp/$name.toml"
}

# A longer variant of the tiny batch for killing and interrupting: 2 arms x 8 replicates of
# 1,000 households over 120 months, about 0.1 s a run.
longer_variant() {
  variant longer 's/^replicates = 3/replicates = 8/' 's/^simulation.steps = 24/simulation.steps = 120/' \
    's/^households.count = 200/households.count = 1000/'
}
