#!/usr/bin/env bash
# Every malformed scenario in the corpus must be refused the way a user needs: exit code 2,
# exactly one line on stderr naming file, line and key (checked against EXPECTED.txt), and
# no output file, finished or partial, left behind.
#
# usage: bad_input.sh <minesim-exe> <corpus dir>
# Scenario paths are passed relative to the repository root, as a user in the checkout
# would type them, so the messages show relative paths.
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 <minesim-exe> <corpus dir>" >&2
  exit 2
fi

# Resolve both arguments before moving to the repository root.
exe=$(realpath -s "$1")
corpus_abs=$(realpath -s "$2")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 2
corpus=$(realpath -s --relative-to="$root" "$corpus_abs")
expected_file="$corpus/EXPECTED.txt"

if [ ! -x "$exe" ]; then
  echo "FAIL minesim executable not found: $exe"
  echo "0 passed, 1 failed"
  exit 1
fi
if [ ! -f "$expected_file" ]; then
  echo "FAIL no $expected_file"
  echo "0 passed, 1 failed"
  exit 1
fi

# EXPECTED.txt: "<file name><TAB><substring>", '#' comments and blank lines ignored.
declare -A want=()
while IFS=$'\t' read -r name substring || [ -n "$name" ]; do
  case "$name" in '' | '#'*) continue ;; esac
  want["$name"]=$substring
done <"$expected_file"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
declare -A seen=()

for file in "$corpus"/*.toml; do
  [ -e "$file" ] || continue
  name=$(basename "$file")
  seen["$name"]=1
  if [ -z "${want[$name]+set}" ]; then
    echo "FAIL $name: no line in EXPECTED.txt"
    failed=$((failed + 1))
    continue
  fi

  out="$tmp/out.h5"
  rm -f "$out" "$out.partial"
  # A scenario the loader wrongly accepts would start a full run; do not wait for it.
  timeout 120 "$exe" run "$file" -o "$out" >"$tmp/stdout" 2>"$tmp/stderr"
  rc=$?

  reason=""
  size=$(wc -c <"$tmp/stderr")
  newlines=$(tr -cd '\n' <"$tmp/stderr" | wc -c)
  last_is_newline=$(tail -c 1 "$tmp/stderr" | wc -l)
  message=$(head -n 1 "$tmp/stderr")
  if [ "$rc" -eq 124 ]; then
    reason="timed out: the scenario was probably accepted"
  elif [ "$rc" -ne 2 ]; then
    reason="exit code $rc, expected 2"
  elif [ "$size" -eq 0 ]; then
    reason="nothing on stderr"
  elif [ "$newlines" -gt 1 ] || { [ "$newlines" -eq 1 ] && [ "$last_is_newline" -ne 1 ]; }; then
    reason="stderr has more than one line"
  elif [[ "$message" != *"${want[$name]}"* ]]; then
    reason="message lacks: ${want[$name]}"
  elif [ -e "$out" ]; then
    reason="output file left behind"
  elif [ -e "$out.partial" ]; then
    reason="partial output file left behind"
  fi

  if [ -z "$reason" ]; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: $reason"
    # Show what came out, indented, so the log is enough to fix the problem.
    awk 'NR <= 5 { print "       stderr: " $0 }' "$tmp/stderr"
    failed=$((failed + 1))
  fi
done

for name in "${!want[@]}"; do
  if [ -z "${seen[$name]+set}" ]; then
    echo "FAIL $name: listed in EXPECTED.txt but not in $corpus"
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
