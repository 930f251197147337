#!/usr/bin/env bash
# Provenance of run files and batch indexes (docs/output-format.md "Root attributes", docs/batch.md
# "index.h5"): usage: provenance.sh MINESIM CASE, run from the repository root. Each CASE is
# one CTest test (tests/cmake/provenance.cmake).
set -euo pipefail
exe=$(realpath "$1")
case_name=$2
py=/usr/bin/python3
tiny=scenarios/batches/tiny.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# tiny.toml's region, for single runs.
small=(--set households.count=200 --set region.villages=5 --set region.side_km=10.0
       --set mines.count=4 --set mines.legacy_count=1 --set enterprises.count=2
       --set simulation.steps=12)

case "$case_name" in
run_command_line)
  # command_line reads back through a shell as the exact argv (an output path with a space and
  # a quote, an override with a space); scenario_path is the scenario as named; no batch.
  out="$tmp/it's a run.h5"
  "$exe" run scenarios/baseline.toml -o "$out" --quiet --seed 7 "${small[@]}" \
    --set 'influence.kind=bounded_confidence'
  "$py" - "$out" "$exe" run scenarios/baseline.toml -o "$out" --quiet --seed 7 "${small[@]}" \
    --set 'influence.kind=bounded_confidence' <<'EOF' || fail "run provenance"
import shlex, sys, h5py
path, argv = sys.argv[1], sys.argv[2:]
with h5py.File(path, "r") as f:
    a = f.attrs
    line = a["command_line"]
    assert shlex.split(line) == argv, f"{line!r} splits to {shlex.split(line)}, not {argv}"
    assert "'" in line, f"the path with a space is not quoted: {line!r}"
    assert a["scenario_path"] == "scenarios/baseline.toml", a["scenario_path"]
    # /scenario overrides: the --set values in order, then the seed.
    sets = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--set"]
    overrides = list(f["scenario"].attrs["overrides"])
    assert overrides == sets + ["simulation.seed=7"], overrides
    for name in ("batch", "arm", "replicate"):
        assert name not in a, f"a single run has the batch attribute {name}"
    assert list(a)[-1] == "status", "status is not the last root attribute"
EOF
  "$py" tests/integration/check_run_file.py -q "$out"
  ;;
batch_runs)
  # Each run file of a batch names its batch file, arm and replicate (as the index does), the
  # batch's command line, the scenario and the arm's overrides; its resolved_toml is its
  # arm's scenario, which run on its own reproduces the run bit for bit.
  "$exe" batch "$tiny" -o "$tmp/b" --quiet --workers 2 --threads 1
  "$py" - "$tmp/b" "$tiny" "$exe" batch "$tiny" -o "$tmp/b" --quiet --workers 2 --threads 1 \
    <<'EOF' || fail "batch run provenance"
import os, shlex, sys, tomllib, h5py
folder, batch, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
plan = tomllib.load(open(os.path.join(folder, "plan.toml"), "rb"))
with h5py.File(os.path.join(folder, "index.h5"), "r") as index:
    runs = index["runs"]
    ids = runs["run_id"].asstr()[()]
    arms = runs["arm"].asstr()[()]
    replicates = runs["replicate"][()]
assert len(ids) == 6
for run_id, arm, replicate in zip(ids, arms, replicates):
    with h5py.File(os.path.join(folder, "runs", run_id + ".h5"), "r") as f:
        a = f.attrs
        assert a["batch"] == batch, (run_id, a["batch"])
        assert a["arm"] == arm, (run_id, a["arm"], arm)
        assert a["replicate"] == replicate and a["replicate"].dtype.kind == "i", run_id
        assert shlex.split(a["command_line"]) == argv, a["command_line"]
        assert os.path.samefile(a["scenario_path"], "scenarios/baseline.toml"), a["scenario_path"]
        assert list(a)[-1] == "status"
        resolved = tomllib.loads(f["scenario"].attrs["resolved_toml"])
        assert resolved["households"]["count"] == 200, run_id
        assert resolved["simulation"]["steps"] == 24, run_id
        assert resolved["simulation"]["seed"] == a["seed"], run_id
        assert resolved["influence"]["kind"] == arm, (run_id, resolved["influence"]["kind"])
        # /scenario overrides: the arm's, as the plan keeps them, then the replicate's seed.
        [planned] = [p for p in plan["arms"] if p["name"] == arm]
        overrides = list(f["scenario"].attrs["overrides"])
        assert overrides == list(planned["overrides"]) + [f"simulation.seed={a['seed']}"], overrides
        if arm == "bounded_confidence":
            assert resolved["influence"]["epsilon"] == 0.1, run_id
EOF
  # The resolved scenario of a bounded-confidence run, run on its own, gives the same datasets.
  "$py" -c "import h5py,sys; open(sys.argv[2],'w').write(h5py.File(sys.argv[1])['scenario'].attrs['resolved_toml'])" \
    "$tmp/b/runs/bounded_confidence_r001.h5" "$tmp/resolved.toml"
  "$exe" run "$tmp/resolved.toml" -o "$tmp/rerun.h5" --quiet
  for obj in /timeseries /panel /network /households /villages /mines /governments; do
    h5diff -q "$tmp/b/runs/bounded_confidence_r001.h5" "$tmp/rerun.h5" "$obj" "$obj" ||
      fail "$obj of the rerun of the resolved scenario differs from the batch's run"
  done
  ;;
index_commit)
  # index.h5 names the code that wrote it: /batch git_commit and minesim_version, the same as
  # the run files' (one binary wrote both), and as `minesim --version` says.
  "$exe" batch "$tiny" -o "$tmp/b" --quiet
  version=$("$exe" --version)
  "$py" - "$tmp/b" "$version" <<'EOF' || fail "index provenance"
import os, sys, h5py
folder, version = sys.argv[1], sys.argv[2]
with h5py.File(os.path.join(folder, "index.h5"), "r") as index, \
        h5py.File(os.path.join(folder, "runs", "degroot_r000.h5"), "r") as run:
    b = index["batch"].attrs
    assert b["git_commit"] and b["git_commit"] == run.attrs["git_commit"], \
        (b["git_commit"], run.attrs["git_commit"])
    assert b["minesim_version"] == run.attrs["minesim_version"]
    assert b["git_commit"] in version and b["minesim_version"] in version, (version, dict(b))
EOF
  # batch-merge writes the same attributes.
  rm "$tmp/b/index.h5"
  "$exe" batch-merge "$tmp/b" --quiet
  [ "$("$py" -c "import h5py,sys; print(h5py.File(sys.argv[1])['batch'].attrs['git_commit'])" \
      "$tmp/b/index.h5")" != "" ] || fail "batch-merge wrote no git_commit"
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok $case_name"
