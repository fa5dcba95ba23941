#!/usr/bin/env bash
# Drives the real trendlab binary in tmux through a whole investigation:
# open the workspace, explore a tag, save its tag set, draw a sample, label
# three members, write the report; then checks the labels and the report.
# Usage: TRENDLAB_BIN=/path/to/trendlab tmux_walkthrough.sh [WORKDIR]
# Exits non-zero, printing the screen, at the first step that fails.
set -euo pipefail

BIN=${TRENDLAB_BIN:?set TRENDLAB_BIN to the trendlab binary}
WORK=${1:-$(mktemp -d)}
SESSION="trendlab-walk-$$"
WS="$WORK/ws.duckdb"
TIMEOUT=${WALK_TIMEOUT:-30}

cleanup() { tmux kill-session -t "$SESSION" 2>/dev/null || true; }
trap cleanup EXIT

fail() {
	echo "walkthrough FAILED: $*" >&2
	echo "----- screen -----" >&2
	tmux capture-pane -p -t "$SESSION" >&2 2>/dev/null || true
	exit 1
}

# wait_for TEXT: poll the screen until it shows TEXT.
wait_for() {
	local deadline=$((SECONDS + TIMEOUT))
	while ((SECONDS < deadline)); do
		if tmux capture-pane -p -t "$SESSION" 2>/dev/null | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.2
	done
	fail "waiting for \"$1\""
}

keys() { tmux send-keys -t "$SESSION" "$@"; }
text() { tmux send-keys -t "$SESSION" -l "$1"; }

echo "1. a synthetic workspace in $WORK"
"$BIN" synth --videos 3000 --seed 5 --out "$WORK/demo" >/dev/null
"$BIN" import -w "$WS" --videos "$WORK/demo/videos.csv" --events "$WORK/demo/moderation_events.csv" >/dev/null

echo "2. open the TUI"
t0=$(date +%s%N)
tmux new-session -d -s "$SESSION" -x 140 -y 40 \
	"HOME='$WORK' NO_COLOR=1 '$BIN' tui -w '$WS' --history '$WORK/history' --reviewer ana --pause-every 0; echo \"TRENDLAB_EXIT=\$?\" > '$WORK/exit'; sleep 600"
wait_for "Tables and views"
wait_for "videos"
echo "   first screen after $(( ($(date +%s%N) - t0) / 1000000 )) ms (process start, workspace open, catalog; polled every 0.2 s)"

echo "3. explore #omegle and save its tag set"
keys 4
wait_for "tag: #"
text omegle
keys Enter
wait_for "accepted tags"
wait_for "#0megle"
keys S
wait_for "tag set omegle"

echo "4. draw a sample of 20 of the tag set's videos"
keys 5
wait_for "Samples"
keys n
wait_for "New sample"
keys Down Down Down Down Down # to the size field
keys C-e C-u
text 20
keys C-s
wait_for "member 1 of 20"

echo "5. label three members (revealing the first caption)"
wait_for "[v] violating"
keys r
wait_for "caption"
keys v
wait_for "1/20 labelled"
wait_for "member 2 of 20"
keys n
wait_for "2/20 labelled"
keys e
wait_for "3/20 labelled"

echo "6. write the report"
keys 7
wait_for "press w to write"
keys w
wait_for "wrote "
REPORT=$(tmux capture-pane -p -J -t "$SESSION" | sed -n 's/^wrote \(.*\.html\).*/\1/p' | head -1)
[[ -n "$REPORT" && -s "$REPORT" ]] || fail "no report file ($REPORT)"
grep -q "<html" "$REPORT" || fail "$REPORT is not HTML"

echo "7. quit"
keys q
deadline=$((SECONDS + TIMEOUT))
while [[ ! -s "$WORK/exit" ]] && ((SECONDS < deadline)); do sleep 0.2; done
grep -q "TRENDLAB_EXIT=0" "$WORK/exit" 2>/dev/null || fail "trendlab tui did not exit cleanly: $(cat "$WORK/exit" 2>/dev/null)"

echo "8. the labels are in the workspace"
SHOW=$("$BIN" sample show -w "$WS" --read-only --json omegle-1 2>&1) || fail "trendlab sample show failed: $SHOW"
grep -q '"labelled": 3,' <<<"$SHOW" || fail "the workspace does not hold the 3 labels: $(head -c 400 <<<"$SHOW")"

echo "walkthrough OK: report $REPORT"
