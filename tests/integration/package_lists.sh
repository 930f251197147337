#!/usr/bin/env bash
# The package lists of scripts/install-deps.sh: usage: package_lists.sh (from the repository root).
# Checks that each list prints, that an unknown list is refused, that the runtime and analysis
# lists (what scripts/baseline.sh installs) hold no test tools, that every Python module the
# analysis scripts and the Python module import comes from a package of the analysis list,
# and that the baseline command installs runtime and analysis only and builds the minesim
# target only.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
deps=scripts/install-deps.sh

for l in runtime analysis test; do
  n=$(bash "$deps" --print "$l" | wc -l)
  [ "$n" -gt 0 ] || fail "list $l is empty"
done
if bash "$deps" --print nonsense 2>/dev/null; then fail "an unknown list was accepted"; fi
set +e
bash "$deps" --print nonsense >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown list does not exit 2"
set -e

runtime=$(bash "$deps" --print runtime)
analysis=$(bash "$deps" --print analysis)
for tool in slurm-wlm munge clang-14 libfuzzer-14-dev libclang-rt-14-dev python3-pytest \
  libgtest-dev r-base-core; do
  if printf '%s\n%s\n' "$runtime" "$analysis" | grep -qx "$tool"; then
    fail "$tool is a test tool but is in the runtime or analysis list"
  fi
  grep -qx "$tool" < <(bash "$deps" --print test) || fail "$tool is missing from the test list"
done

# Every third-party module imported by analysis/*.py, mapped to its Debian package.
modules=$(/usr/bin/python3 - <<'PY'
import ast, pathlib, sys
stdlib = set(sys.stdlib_module_names)
sources = [*pathlib.Path("analysis").glob("*.py"), *pathlib.Path("python/minesim").glob("*.py")]
local = {p.stem for p in sources} | {"minesim"}
found = set()
for path in sources:
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for n in names:
            top = n.split(".")[0]
            if top not in stdlib and top not in local:
                found.add(top)
print("\n".join(sorted(found)))
PY
)
[ -n "$modules" ] || fail "found no third-party imports in analysis/ (the check lost its input)"
for m in $modules; do
  file=$(/usr/bin/python3 -c "import $m; print($m.__file__)" 2>/dev/null) ||
    fail "analysis imports $m, which /usr/bin/python3 cannot import"
  pkg=$(dpkg -S "$file" 2>/dev/null | head -n1 | cut -d: -f1) || true
  [ -n "$pkg" ] || fail "$m ($file) comes from no Debian package"
  # Listed itself, or pulled in by a listed package (python3-h5py depends on python3-h5py-serial).
  provided=no
  for a in $analysis; do
    if [ "$a" = "$pkg" ] || dpkg-query -W -f='${Depends}\n' "$a" 2>/dev/null | tr ',|' '\n\n' |
      sed 's/^ *//; s/ .*//' | grep -qx "$pkg"; then
      provided=yes
      break
    fi
  done
  [ "$provided" = yes ] || fail "analysis imports $m from $pkg, which no package of the analysis list provides"
done

grep -q '^bash scripts/install-deps.sh runtime analysis$' scripts/baseline.sh ||
  fail "scripts/baseline.sh does not install exactly the runtime and analysis lists"
grep -q -- '--target minesim' scripts/baseline.sh || fail "scripts/baseline.sh builds more than minesim"
grep -q '^bash scripts/install-deps.sh runtime analysis test$' scripts/test.sh ||
  fail "scripts/test.sh does not install all three lists"
echo "package lists: ok ($(wc -w <<<"$modules") analysis modules checked)"
