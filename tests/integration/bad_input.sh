#!/usr/bin/env bash
# Every malformed file in a corpus must be refused the way a user needs: exit code 2,
# exactly one line on stderr naming file, line and key (checked against EXPECTED.txt), no
# crash, and no output left behind: no run file, finished or partial, for a scenario; no
# batch folder for a batch file.
#
# usage: bad_input.sh <minesim-exe> <corpus dir> [run|batch]
#   run    (default) each file is a scenario: `minesim run FILE -o OUT`
#   batch  each file is a batch file: `minesim batch FILE -o DIR`
# Paths are passed relative to the repository root, as a user in the checkout would type
# them, so the messages show relative paths. In EXPECTED.txt, "[...]" stands for any text.
# Besides the corpus, a file that does not exist and a device that never ends (/dev/zero)
# are tried in either mode.
set -u

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 <minesim-exe> <corpus dir> [run|batch]" >&2
  exit 2
fi
mode=${3:-run}
case "$mode" in run | batch) ;; *)
  echo "$0: mode must be run or batch, not $mode" >&2
  exit 2
  ;;
esac

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

# Whether $1 contains the pieces of pattern $2 (split at "[...]") in order.
contains_in_order() {
  local text=$1 rest=$2 piece
  while :; do
    piece=${rest%%"[...]"*}
    [[ $text == *"$piece"* ]] || return 1
    text=${text#*"$piece"}
    [[ $rest == *"[...]"* ]] || return 0
    rest=${rest#*"[...]"}
  done
}

# check NAME FILE EXPECTED: run minesim on FILE and judge the outcome.
check() {
  local name=$1 file=$2 expected=$3
  local out="$tmp/out.h5" dir="$tmp/batch"
  rm -rf "$out" "$out.partial" "$dir"
  # A file wrongly accepted would start a full run or batch; do not wait for it.
  if [ "$mode" = run ]; then
    timeout 120 "$exe" run "$file" -o "$out" >"$tmp/stdout" 2>"$tmp/stderr"
  else
    timeout 120 "$exe" batch "$file" -o "$dir" >"$tmp/stdout" 2>"$tmp/stderr"
  fi
  local rc=$?

  local reason="" size newlines last_is_newline message
  size=$(wc -c <"$tmp/stderr")
  newlines=$(tr -cd '\n' <"$tmp/stderr" | wc -c)
  last_is_newline=$(tail -c 1 "$tmp/stderr" | wc -l)
  message=$(head -n 1 "$tmp/stderr")
  if [ "$rc" -eq 124 ]; then
    reason="timed out: the input was probably accepted"
  elif [ "$rc" -gt 128 ]; then
    reason="killed by signal $((rc - 128)) (a crash)"
  elif [ "$rc" -ne 2 ]; then
    reason="exit code $rc, expected 2"
  elif [ "$size" -eq 0 ]; then
    reason="nothing on stderr"
  elif [ "$newlines" -gt 1 ] || { [ "$newlines" -eq 1 ] && [ "$last_is_newline" -ne 1 ]; }; then
    reason="stderr has more than one line"
  elif ! contains_in_order "$message" "$expected"; then
    reason="message lacks: $expected"
  elif [ -e "$out" ]; then
    reason="output file left behind"
  elif [ -e "$out.partial" ]; then
    reason="partial output file left behind"
  elif [ -e "$dir" ]; then
    reason="batch folder made"
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
}

for file in "$corpus"/*.toml; do
  [ -e "$file" ] || continue
  name=$(basename "$file")
  seen["$name"]=1
  if [ -z "${want[$name]+set}" ]; then
    echo "FAIL $name: no line in EXPECTED.txt"
    failed=$((failed + 1))
    continue
  fi
  check "$name" "$file" "${want[$name]}"
done

# Not files of the corpus: a path that does not exist, and a device that never ends.
check "(missing file)" "$corpus/does_not_exist.toml" "$corpus/does_not_exist.toml: file not found"
check "(endless device)" /dev/zero "/dev/zero: larger than 16 MiB, not a"

for name in "${!want[@]}"; do
  if [ -z "${seen[$name]+set}" ]; then
    echo "FAIL $name: listed in EXPECTED.txt but not in $corpus"
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
