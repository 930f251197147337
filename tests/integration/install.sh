#!/usr/bin/env bash
# `cmake --install` of the build tree into a scratch prefix, then only the installed tree is
# used: the binary runs from PREFIX/bin with a bare environment, from a folder outside the
# repository and the build tree, needs no library from the build tree, and runs a 3-step
# scenario from PREFIX/share/minesim/scenarios; the installed analysis scripts read that run
# from where they lie; scenarios, job scripts and docs are the repository's.
# Usage: install.sh CMAKE BUILD_DIR MINESIM PYTHON (from the repository root). Needs only the
# minesim target built; installing rebuilds nothing.
set -euo pipefail
cmake=$1
build=$(realpath "$2")
exe=$(realpath "$3")
py=$4
src=$(pwd)

fail() { echo "FAIL: $*" >&2; exit 1; }
[ -f "$src/scenarios/baseline.toml" ] || fail "run from the repository root"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
share=$prefix/share/minesim
doc=$prefix/share/doc/minesim

"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "cmake --install failed"; }

# --- what went where ------------------------------------------------------------------------
[ -x "$prefix/bin/minesim" ] || fail "no executable PREFIX/bin/minesim"
diff -r "$src/scenarios" "$share/scenarios" >&2 || fail "installed scenarios differ from scenarios/"
for script in slurm_array.sbatch slurm_mpi.sbatch; do
  bash -n "$share/scenarios/batches/$script" || fail "installed $script is not valid bash"
done
for file in "$src"/analysis/*.py; do
  installed=$share/analysis/$(basename "$file")
  cmp -s "$file" "$installed" || fail "analysis/$(basename "$file") not installed as it is"
  if [ "$(head -c 2 "$file")" = "#!" ]; then
    [ -x "$installed" ] || fail "$(basename "$file") has #! but is not installed executable"
  fi
done
for file in "$src/analysis/pyproject.toml" "$src"/analysis/*.md; do
  [ ! -e "$file" ] || cmp -s "$file" "$share/analysis/$(basename "$file")" ||
    fail "analysis/$(basename "$file") not installed"
done
if [ -d "$src/analysis/notebooks" ]; then
  diff -r "$src/analysis/notebooks" "$share/analysis/notebooks" >&2 ||
    fail "analysis/notebooks not installed as they are"
fi
if [ -d "$src/analysis/R" ]; then
  diff -r "$src/analysis/R" "$share/analysis/R" >&2 || fail "analysis/R not installed as it is"
fi
for file in "$src"/docs/*.md; do
  cmp -s "$file" "$doc/$(basename "$file")" || fail "docs/$(basename "$file") not installed"
done
diff -r "$src/docs/img" "$doc/img" >&2 || fail "docs/img not installed as it is"
[ -z "$(find "$prefix" -name 'libminesim*.a')" ] || fail "static libraries of the project installed"
echo "installed: $(find "$prefix" -type f | wc -l) files"

# --- the binary stands alone ----------------------------------------------------------------
# No library from the build tree, none missing; no run path into the build or source tree.
ldd "$prefix/bin/minesim" >"$tmp/ldd.txt" || fail "ldd failed on the installed binary"
! grep -q "not found" "$tmp/ldd.txt" || { cat "$tmp/ldd.txt" >&2; fail "a library is not found"; }
! grep -q -e "$build" -e "$src/" "$tmp/ldd.txt" ||
  { cat "$tmp/ldd.txt" >&2; fail "the installed binary loads a library from the build tree"; }
if command -v readelf >/dev/null; then
  ! readelf -d "$prefix/bin/minesim" | grep -E "R(UN)?PATH" | grep -q -e "$build" -e "$src/" ||
    fail "the installed binary's run path points into the build tree"
fi

# From a folder of its own, with an environment that names neither tree.
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
bare=(env -i "HOME=$tmp" "PATH=/usr/bin:/bin" "OMP_NUM_THREADS=1")
version=$("${bare[@]}" "$prefix/bin/minesim" --version) || fail "PREFIX/bin/minesim --version failed"
[ "$version" = "$("$exe" --version)" ] || fail "installed version '$version' is not the build's"
[[ $version == minesim\ * ]] || fail "unexpected --version output: $version"
echo "$version"

"${bare[@]}" "$prefix/bin/minesim" run "$share/scenarios/baseline.toml" -o run.h5 --quiet \
  --set simulation.steps=3 --set households.count=1000 ||
  fail "a 3-step run of the installed baseline failed"
# A batch file finds its scenario next to it in the installed tree.
"${bare[@]}" "$prefix/bin/minesim" check "$share/scenarios/batches/tiny.toml" >check.txt ||
  fail "minesim check of the installed tiny batch failed"
grep -q "valid batch of 6 runs" check.txt || fail "installed tiny batch: $(head -1 check.txt)"

# The installed analysis module reads the run, and an installed script starts as a program
# (it imports minesim_io from its own folder).
PYTHONDONTWRITEBYTECODE=1 "$py" - "$share/analysis" run.h5 <<'EOF' || fail "minesim_io could not read the run"
import sys
sys.path.insert(0, sys.argv[1])
import minesim_io
run = minesim_io.load_run(sys.argv[2])
assert run["attrs"]["status"] == "complete", run["attrs"].get("status")
assert len(run["timeseries"]) == 4, f"{len(run['timeseries'])} rows, expected steps + 1 = 4"
assert run["scenario"]["resolved_toml"], "no resolved parameters"
print(f"installed minesim_io: {len(run['timeseries'].columns)} time series of 4 steps")
EOF
PYTHONDONTWRITEBYTECODE=1 "$share/analysis/plot_run.py" --help >/dev/null ||
  fail "installed plot_run.py --help failed"
[ "$(ls -A)" = "$(printf 'check.txt\nrun.h5')" ] || fail "unexpected files in the working folder: $(ls -A)"

# The Python module, where this build has it (MINESIM_BUILD_PYTHON=ON): installed with the
# readers it re-exports, it imports and steps a run from the installed tree alone.
if compgen -G "$build/python/minesim/_minesim*.so" >/dev/null; then
  site=$(find "$prefix/lib" -path '*/dist-packages/minesim' -type d)
  [ -n "$site" ] || fail "the Python module is built but not installed under PREFIX/lib"
  site=$(dirname "$site")
  for file in "$src"/python/minesim/*.py "$src/analysis/minesim_io.py" "$src/analysis/minesim_labels.py"; do
    [ -f "$site/$(basename "$file")" ] || [ -f "$site/minesim/$(basename "$file")" ] ||
      fail "$(basename "$file") not installed beside the Python module"
  done
  ! ldd "$site"/minesim/_minesim*.so | grep -q -e "not found" -e "$build" ||
    fail "the installed Python module needs a library from the build tree, or a missing one"
  "${bare[@]}" "PYTHONPATH=$site" PYTHONDONTWRITEBYTECODE=1 "$py" - "$share/scenarios/baseline.toml" <<'EOF' ||
import sys
import minesim
sim = minesim.Simulation(sys.argv[1], seed=3, set={"simulation.steps": 3, "households.count": 1000})
sim.run()
assert len(sim.timeseries()) == 4
assert len(sim.households()) == 1000
print(f"installed Python module: {minesim.__file__}")
EOF
    fail "the installed Python module could not step a run"
fi
echo "ok: install"
