#!/usr/bin/env bash
# The test command: set-up, type-check, build, then every suite. Ends with the line
# "N passed, N failed" that CI reads (skipped tests, if any, are reported on the line before
# and count as failed: a test that did not run did not pass).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

failed_steps=0
echo "== type-check"
if ! npx tsc --noEmit -p .; then failed_steps=$((failed_steps+1)); fi
echo "== build"
if ! node scripts/build.mjs; then failed_steps=$((failed_steps+1)); fi

echo "== tests"
out=$(mktemp)
# mocha writes to a file that tail follows until mocha itself is gone: a process a test left
# behind holding the output open can then not keep this script waiting (a pipe into tee would),
# and mocha's --exit (.mocharc) ends it even if a test left a handle open. The time limit
# keeps the closing line inside CI's 90 minutes whatever a test does.
timeout -k 20 75m npx mocha --reporter ./scripts/summary-reporter.cjs "$@" >"$out" 2>&1 &
mocha_pid=$!
tail -n +1 -f --pid="$mocha_pid" "$out"
wait "$mocha_pid"
rc=$?
[ "$rc" -eq 124 ] && echo "test.sh: the tests did not finish within 75 minutes"
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
rm -f "$out"
passed=$(echo "$summary" | awk '{print $1}'); failed=$(echo "$summary" | awk '{print $3}')
skipped=$(echo "$summary" | awk '{print $5}')
passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}
# type-check and build failures count as failed checks in the closing line.
failed=$((failed + failed_steps))
[ -z "$summary" ] && failed=$((failed + 1))
failed=$((failed + skipped))
echo
echo "${skipped} skipped (counted as failed)"
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
