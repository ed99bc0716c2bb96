#!/usr/bin/env bash
# The test command: set-up, type-check, build, then every suite twice: with the translator
# (emulator/cpu/jit, the default) and again with KWB_JIT=0 (the interpreter alone), so a
# difference between the two shows up as a failure. Ends with the line "N passed, N failed"
# that CI reads, totalling both passes (skipped tests, if any, are reported on the line
# before and count as failed: a test that did not run did not pass).
# `bash scripts/test.sh --jit-only` runs the first pass only; other arguments go to mocha.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

passes=(jit interp)
if [ "${1:-}" = "--jit-only" ]; then passes=(jit); shift; fi

failed_steps=0
echo "== type-check"
if ! npx tsc --noEmit -p .; then failed_steps=$((failed_steps+1)); fi
echo "== build"
if ! node scripts/build.mjs; then failed_steps=$((failed_steps+1)); fi

total_passed=0; total_failed=0; total_skipped=0; bad_rc=0
# One mocha run. mocha writes to a file that tail follows until mocha itself is gone: a process
# a test left behind holding the output open can then not keep this script waiting (a pipe into
# tee would), and mocha's --exit (.mocharc) ends it even if a test left a handle open. The time
# limits keep the closing line inside CI's 90 minutes whatever a test does.
run_pass() {
  local name=$1 limit=$2; shift 2
  echo "== tests ($name)"
  local out; out=$(mktemp)
  local jit=1; [ "$name" = interp ] && jit=0
  KWB_JIT=$jit timeout -k 20 "$limit" npx mocha --reporter ./scripts/summary-reporter.cjs "$@" >"$out" 2>&1 &
  local pid=$!
  tail -n +1 -f --pid="$pid" "$out"
  wait "$pid"
  local rc=$?
  [ "$rc" -eq 124 ] && echo "test.sh: the $name pass did not finish within $limit"
  local summary; summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
  rm -f "$out"
  local p f s
  p=$(echo "$summary" | awk '{print $1}'); f=$(echo "$summary" | awk '{print $3}'); s=$(echo "$summary" | awk '{print $5}')
  p=${p:-0}; f=${f:-0}; s=${s:-0}
  [ -z "$summary" ] && f=$((f + 1))
  echo "($name pass: $p passed, $f failed, $s skipped)"
  total_passed=$((total_passed + p)); total_failed=$((total_failed + f)); total_skipped=$((total_skipped + s))
  [ "$rc" -ne 0 ] && bad_rc=1
  return 0
}

for p in "${passes[@]}"; do
  if [ "$p" = jit ]; then run_pass jit 45m "$@"; else run_pass interp 35m "$@"; fi
done

# type-check and build failures count as failed checks in the closing line.
failed=$((total_failed + failed_steps + total_skipped))
echo
echo "${total_skipped} skipped (counted as failed)"
echo "${total_passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] && [ "$bad_rc" -eq 0 ]
