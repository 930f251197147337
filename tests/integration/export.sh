#!/usr/bin/env bash
# Output beyond the run file itself: usage: export.sh MINESIM CASE (run from the repository
# root). Each CASE is one CTest test (tests/cmake/export.cmake):
#   compare_stat     `minesim compare --stat` and its per-kind default on the tiny batch,
#                    against numpy on the run files; bad --stat texts and steps exit 2
#   batch            `minesim export` of the tiny batch: rows and values against h5py
#   run              `minesim export` of one run file, and the inputs and folders it refuses
#   run_output_name  `minesim run -o x.csv` is refused; .h5, .hdf5, .he5 and no extension
#                    are accepted
set -euo pipefail
exe=$(realpath "$1")
case_name=$2
py=/usr/bin/python3
tiny=scenarios/batches/tiny.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# Runs "$@", expecting exit 2 and exactly the one line $expected on stderr.
expect_bad_input() {
  local expected=$1
  shift
  set +e
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  set -e
  [ $rc -eq 2 ] || fail "$* exited $rc, not 2: $(cat "$tmp/err")"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$*: not one line on stderr: $(cat "$tmp/err")"
  [ "$(cat "$tmp/err")" = "$expected" ] || fail "$*: '$(cat "$tmp/err")', expected '$expected'"
}

# A tiny run of the baseline scenario: 200 households, 24 months.
tiny_run() {
  "$exe" run scenarios/baseline.toml -o "$1" --quiet --threads 1 --set households.count=200 \
    --set region.villages=5 --set region.side_km=10.0 --set mines.count=4 \
    --set mines.legacy_count=1 --set enterprises.count=2 --set simulation.steps=24
}

case "$case_name" in
compare_stat)
  "$exe" batch "$tiny" -o "$tmp/b" --quiet --workers 1 --threads 1
  metrics=(--metric S_mean --metric compensation_paid_yuan --metric negotiations
           --metric fines_yuan --metric damaged_ha)
  "$exe" compare "$tmp/b" --baseline degroot "${metrics[@]}"
  "$exe" compare "$tmp/b" --baseline degroot "${metrics[@]}" --csv >"$tmp/default.csv"
  for stat in final sum mean:12-24 mean:0-0 at:6 at:24; do
    "$exe" compare "$tmp/b" --baseline degroot "${metrics[@]}" --csv --stat "$stat" \
      >"$tmp/stat_${stat//[:]/_}.csv"
  done
  # The same numbers from the run files, computed independently with h5py and numpy.
  "$py" - "$tmp" <<'EOF'
import csv, math, os, sys, h5py, numpy as np
tmp = sys.argv[1]
runs = h5py.File(os.path.join(tmp, "b", "index.h5"), "r")["runs"]
ids, arms = runs["run_id"].asstr()[()], runs["arm"].asstr()[()]
replicates = runs["replicate"][()]
def series(run_id, metric):
    with h5py.File(os.path.join(tmp, "b", "runs", run_id + ".h5"), "r") as f:
        d = f["timeseries"][metric]
        return d[()], d.attrs["kind"], d.attrs["units"]
def statistic(values, stat):
    if stat == "final": return values[-1]
    if stat == "sum": return values[1:].sum()
    name, steps = stat.split(":")
    if name == "at": return values[int(steps)]
    first, last = map(int, steps.split("-"))
    return values[first:last + 1].mean()
t = math.sqrt(2 * 0.95**2 / (1 - 0.95**2))  # Student's t, 2 degrees of freedom, 97.5%
def check(path, forced):
    rows = list(csv.DictReader(open(path)))
    assert len(rows) == 5, (path, len(rows))
    for row in rows:
        metric = row["metric"]
        kinds = set()
        diffs = []
        for r in range(3):
            pair = []
            for arm in ("bounded_confidence", "degroot"):
                run_id = ids[(arms == arm) & (replicates == r)][0]
                values, kind, units = series(run_id, metric)
                kinds.add(kind)
                stat = forced or ("sum" if kind == "flow" else "final")
                pair.append(statistic(values, stat))
            diffs.append(pair[0] - pair[1])
        assert len(kinds) == 1, kinds
        want_stat = forced or ("sum" if kinds == {"flow"} else "final")
        assert row["statistic"] == want_stat, (path, metric, row["statistic"], want_stat)
        assert row["units"] == units, (metric, row["units"], units)
        d = np.array(diffs)
        mean, half = d.mean(), t * d.std(ddof=1) / math.sqrt(3)
        for key, want in (("mean_difference", mean), ("ci_low", mean - half),
                          ("ci_high", mean + half)):
            got = float(row[key])
            assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (path, metric, key, got, want)
    return {row["metric"]: row["statistic"] for row in rows}
chosen = check(os.path.join(tmp, "default.csv"), None)
assert chosen == {"S_mean": "final", "damaged_ha": "final", "compensation_paid_yuan": "sum",
                  "negotiations": "sum", "fines_yuan": "sum"}, chosen
for stat in ("final", "sum", "mean:12-24", "mean:0-0", "at:6", "at:24"):
    check(os.path.join(tmp, "stat_" + stat.replace(":", "_") + ".csv"), stat)
print("compare --stat: default, final, sum, mean and at agree with numpy on the run files")
EOF
  # An explicit final is the index's final_ column: the same as the default for a stock.
  cmp <(cut -d, -f1-9 "$tmp/stat_final.csv" | grep ',S_mean,') \
      <(cut -d, -f1-9 "$tmp/default.csv" | grep ',S_mean,') || fail "final differs from default"
  usage="expected final, sum, mean:FROM-TO or at:STEP"
  for bad in median mean:3 at:-1 sum:1-2 "mean:a-b"; do
    expect_bad_input "--stat: $usage, got '$bad'" \
      "$exe" compare "$tmp/b" --baseline degroot --stat "$bad"
  done
  expect_bad_input "--stat: mean:20-10: FROM is after TO" \
    "$exe" compare "$tmp/b" --baseline degroot --stat mean:20-10
  expect_bad_input "--stat: mean:12-25 reads step 25, but run degroot_r000 ends at step 24" \
    "$exe" compare "$tmp/b" --baseline degroot --stat mean:12-25
  expect_bad_input "--stat: at:99 reads step 99, but run degroot_r000 ends at step 24" \
    "$exe" compare "$tmp/b" --baseline degroot --stat at:99
  # A bad --stat is named before the folder is looked at.
  expect_bad_input "--stat: $usage, got 'x'" "$exe" compare "$tmp/none" --baseline a --stat x
  ;;
batch)
  "$exe" batch "$tiny" -o "$tmp/b" --quiet --workers 1 --threads 1
  "$exe" export "$tmp/b" -o "$tmp/csv" 2>"$tmp/err"
  cat "$tmp/err"
  grep -q "from 6 runs" "$tmp/err" || fail "summary: $(cat "$tmp/err")"
  "$py" - "$tmp/b" "$tmp/csv" <<'EOF'
import csv, os, sys, h5py, numpy as np
batch, out = sys.argv[1:3]
runs = h5py.File(os.path.join(batch, "index.h5"), "r")["runs"]
ids = list(runs["run_id"].asstr()[()])
arms, reps = list(runs["arm"].asstr()[()]), list(runs["replicate"][()])
def metrics(f):
    return [n for n, d in f["timeseries"].items() if d.attrs.get("CLASS") != b"DIMENSION_SCALE"]
files = {i: h5py.File(os.path.join(batch, "runs", i + ".h5"), "r") for i in ids}
first = files[ids[0]]
steps = int(first.attrs["steps"])
n_metrics = len(metrics(first))
rows = list(csv.DictReader(open(os.path.join(out, "timeseries.csv"))))
assert list(rows[0]) == ["run_id", "arm", "replicate", "step", "metric", "value", "unit"]
# The row count: metrics x (steps + 1) x runs.
assert len(rows) == n_metrics * (steps + 1) * len(ids), (len(rows), n_metrics, steps, len(ids))
# Every value is the stored double, bit for bit, with its run's labels and units.
by_key = {(r["run_id"], r["metric"], int(r["step"])): r for r in rows}
for i, arm, rep in zip(ids, arms, reps):
    f = files[i]
    for m in metrics(f):
        d = f["timeseries"][m]
        values = d[()]
        for step in range(steps + 1):
            r = by_key[(i, m, step)]
            assert float(r["value"]) == values[step] or (np.isnan(values[step]) and r["value"] == "nan"), (i, m, step)
            assert r["arm"] == arm and int(r["replicate"]) == rep and r["unit"] == d.attrs["units"]
print(f"timeseries.csv: {len(rows)} rows = {n_metrics} metrics x {steps + 1} steps x {len(ids)} runs, "
      f"every value bit-identical to h5py")
for name in first["events"]:
    table = list(csv.DictReader(open(os.path.join(out, f"events_{name}.csv"))))
    fields = first["events"][name].dtype.names
    assert list(table[0]) == ["run_id", "arm", "replicate", *fields]
    assert len(table) == sum(files[i]["events"][name].shape[0] for i in ids), name
    data = files[ids[-1]]["events"][name][()]
    last = [r for r in table if r["run_id"] == ids[-1]]
    for field in fields:
        assert [float(r[field]) for r in last] == [float(x) for x in data[field]], (name, field)
panel = list(csv.DictReader(open(os.path.join(out, "panel.csv"))))
fields = sorted(first["panel/households"])
assert list(panel[0]) == ["run_id", "arm", "replicate", "step", "household", *fields]
assert len(panel) == len(ids) * first["panel/steps"].shape[0] * first["panel/household_ids"].shape[0]
f = files[ids[2]]
r = [p for p in panel if p["run_id"] == ids[2]][7]
s = list(f["panel/steps"][()]).index(int(r["step"]))
j = list(f["panel/household_ids"][()]).index(int(r["household"]))
assert all(float(r[x]) == f["panel/households"][x][s, j] for x in fields)
print("events and panel files agree with h5py")
EOF
  # h5dump's text of one value is the same number as the CSV's.
  value=$(h5dump -d /timeseries/S_mean -s 24 -c 1 -m %.17g "$tmp/b/runs/degroot_r002.h5" |
          sed -n 's/^ *(24): *//p' | tr -d ' ,')
  text=$(grep '^degroot_r002,degroot,2,24,S_mean,' "$tmp/csv/timeseries.csv" | cut -d, -f6)
  if [ -z "$value" ] || [ -z "$text" ]; then
    fail "no value from h5dump ('$value') or the CSV ('$text')"
  fi
  "$py" -c "import sys; assert float(sys.argv[1]) == float(sys.argv[2]), sys.argv" \
    "$value" "$text" || fail "h5dump says $value, the CSV $text"
  [ -z "$(find "$tmp/csv" -name '*.partial')" ] || fail "partial files left"
  ;;
run)
  tiny_run "$tmp/run.h5"
  "$exe" export "$tmp/run.h5" -o "$tmp/one" --quiet
  "$py" - "$tmp/run.h5" "$tmp/one" <<'EOF'
import csv, os, sys, h5py
path, out = sys.argv[1:3]
f = h5py.File(path, "r")
n = sum(1 for d in f["timeseries"].values() if d.attrs.get("CLASS") != b"DIMENSION_SCALE")
rows = list(csv.DictReader(open(os.path.join(out, "timeseries.csv"))))
assert len(rows) == n * (int(f.attrs["steps"]) + 1), len(rows)
assert {r["run_id"] for r in rows} == {"run"}
# A single run: arm and replicate from the root attributes, else empty.
arm = f.attrs.get("arm", "")
assert {r["arm"] for r in rows} == {arm}, {r["arm"] for r in rows}
assert float(rows[-1]["value"]) == f["timeseries"][rows[-1]["metric"]][-1]
print(f"single run: {len(rows)} rows")
EOF
  # A folder that holds anything is refused without --force, and kept as it was.
  expect_bad_input "$tmp/one: folder exists and is not empty; pass --force to write into it (files of the same names are replaced)" \
    "$exe" export "$tmp/run.h5" -o "$tmp/one"
  touch "$tmp/one/notes.txt"
  "$exe" export "$tmp/run.h5" -o "$tmp/one" --force --quiet
  [ -e "$tmp/one/notes.txt" ] || fail "--force removed a file it did not write"
  expect_bad_input "$tmp/missing.h5: no such file or folder" \
    "$exe" export "$tmp/missing.h5" -o "$tmp/x"
  [ ! -e "$tmp/x" ] || fail "a refused export created its folder"
  expect_bad_input "$tmp: no batch index (index.h5); run \`minesim batch\` (or \`minesim batch-merge\` after a job array) first" \
    "$exe" export "$tmp" -o "$tmp/x"
  echo "not hdf5" >"$tmp/text.h5"
  expect_bad_input "$tmp/text.h5: not an HDF5 file; a minesim run file is HDF5 (.h5)" \
    "$exe" export "$tmp/text.h5" -o "$tmp/x"
  cp "$tmp/run.h5" "$tmp/interrupted.h5"
  "$py" -c "import h5py, sys; del h5py.File(sys.argv[1], 'r+').attrs['status']" "$tmp/interrupted.h5"
  expect_bad_input "$tmp/interrupted.h5: not a complete run file (no status = \"complete\"): the run was interrupted or is still being written" \
    "$exe" export "$tmp/interrupted.h5" -o "$tmp/x"
  [ ! -e "$tmp/x" ] || fail "a refused export created its folder"
  ;;
run_output_name)
  for name in x.csv out.TSV y.png z.json w.parquet v.xlsx u.nc t.pdf; do
    stem=${name%.*}
    expect_bad_input "$tmp/$name: a run file is HDF5; name it $tmp/$stem.h5 (for CSV, run \`minesim export $tmp/$stem.h5 -o DIR\`)" \
      "$exe" run scenarios/baseline.toml -o "$tmp/$name" --quiet
    [ ! -e "$tmp/$name" ] || fail "$name was written"
  done
  for name in a.h5 b.hdf5 c.he5 d; do
    tiny_run "$tmp/$name"
    "$py" -c "import h5py, sys; assert h5py.File(sys.argv[1], 'r').attrs['status'] == 'complete'" \
      "$tmp/$name" || fail "$name is not a complete run file"
  done
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "PASS: $case_name"
