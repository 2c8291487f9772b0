#!/usr/bin/env bash
# bench_smoke: keeps the benchmark tools from rotting. Starts cercles-echo-server
# (and cercles-bare-echo, the floor scripts/bench reads every row against)
# with TLS, client certificates verified and a staff token, drives it with
# cercles-loadgen for about a second in the closed loop and one in the open loop
# (mTLS + bearer token, as scripts/bench does), and checks that calls were made
# and none failed. Then, given BUILD_DIR, a quick pass of the one-command
# benchmark (scripts/bench --quick on that build's binaries: every row of its
# table and of the growth table (one size) on tiny data sets, PostgreSQL and Redis of its
# own) must finish, print every row with calls made, and report no failed call.
# No figure is asserted: speed is read, never tested.
#   bench/smoke_test.sh ECHO_SERVER_BINARY LOADGEN_BINARY BARE_ECHO_BINARY [BUILD_DIR]
set -euo pipefail

(($# == 3 || $# == 4)) ||
  { echo "usage: bench/smoke_test.sh ECHO_SERVER LOADGEN BARE_ECHO [BUILD_DIR]" >&2; exit 2; }
echo_server="$1"
loadgen="$2"
bare_echo="$3"
build_dir="${4:-}"
# shellcheck source=../scripts/lib/common.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"

state="$(mktemp -d)"
echo_pid=""
bare_pid=""
cleanup() {
  if [[ -n "$bare_pid" ]]; then
    kill "$bare_pid" 2>/dev/null || true
    wait "$bare_pid" 2>/dev/null || true
  fi
  if [[ -n "$echo_pid" ]] && kill -0 "$echo_pid" 2>/dev/null; then
    kill "$echo_pid" 2>/dev/null || true
    wait "$echo_pid" 2>/dev/null || true
  fi
  rm -rf "$state"
}
trap cleanup EXIT

"$CERCLES_ROOT/scripts/gen-certs" "$state/certs" echo loadgen 2>"$state/gen-certs.log" ||
  { cat "$state/gen-certs.log" >&2; cercles_die "scripts/gen-certs failed"; }
token_file="$("$CERCLES_ROOT/scripts/gen-token" "$state/tokens" admin bench)"

port="$(cercles_free_port)"
"$echo_server" --listen "127.0.0.1:$port" \
  --tls_cert "$state/certs/echo.pem" --tls_key "$state/certs/echo.key" \
  --tls_ca "$state/certs/ca.pem" --tokens_file "$state/tokens/tokens.txt" \
  >"$state/echo.log" 2>&1 &
echo_pid=$!
cercles_wait_tcp "$port" 20 || { cat "$state/echo.log" >&2; cercles_die "the echo server did not listen"; }

bare_port="$(cercles_free_port)"
"$bare_echo" --listen "127.0.0.1:$bare_port" --tls_cert "$state/certs/echo.pem" \
  --tls_key "$state/certs/echo.key" --tls_ca "$state/certs/ca.pem" >"$state/bare.log" 2>&1 &
bare_pid=$!
cercles_wait_tcp "$bare_port" 20 || { cat "$state/bare.log" >&2; cercles_die "the bare echo did not listen"; }

# json_field JSON NAME -> the integer value of "NAME":<n> in the line
json_field() { sed -n "s/.*\"$2\":\\([0-9][0-9]*\\).*/\\1/p" <<<"$1"; }

failures=0
run() {  # run LABEL PORT LOADGEN_ARGS...
  local label="$1" target_port="$2" out status=0
  shift 2
  out="$("$loadgen" --target "127.0.0.1:$target_port" --ca "$state/certs/ca.pem" --server_name echo \
    --cert "$state/certs/loadgen.pem" --key "$state/certs/loadgen.key" --token_file "$token_file" \
    --method /cercles.bench.v1.EchoService/Echo --request '{"message":"smoke"}' \
    --warmup 200ms --duration 1s --output json --label "$label" "$@")" || status=$?
  echo "$out"
  local calls errors
  calls="$(json_field "$out" calls)"
  errors="$(json_field "$out" errors)"
  if ((status != 0)) || [[ -z "$calls" || -z "$errors" ]] || ((calls == 0 || errors != 0)); then
    echo "FAIL $label: exit status $status, calls=${calls:-?}, errors=${errors:-?}" >&2
    failures=$((failures + 1))
  else
    echo "ok   $label: $calls calls, no error"
  fi
}

run smoke-closed "$port" --mode closed --concurrency 8
run smoke-open "$port" --mode open --rate 200
# The bare echo answers the same client over mTLS (it ignores the token).
run smoke-bare "$bare_port" --mode closed --concurrency 8

# The baseline drains like a service on SIGTERM.
kill -TERM "$echo_pid"
drain_status=0
wait "$echo_pid" || drain_status=$?
echo_pid=""
if ((drain_status != 0)); then
  echo "FAIL the echo server exited with status $drain_status on SIGTERM" >&2
  failures=$((failures + 1))
fi

if ((failures)); then
  echo "--- echo server log (last lines)" >&2
  tail -n 20 "$state/echo.log" >&2
  exit 1
fi

if [[ -n "$build_dir" ]]; then
  started="$EPOCHREALTIME"
  # One growth size: the second (--quick's 600 circles) runs the same code on a
  # data set twice as big: its services, data sets and rows again, for nothing a
  # smoke run reads.
  if ! "$CERCLES_ROOT/scripts/bench" --quick --sizes 300 --no-build --build-dir "$build_dir" \
    >"$state/bench.out" 2>"$state/bench.err"; then
    tail -n 30 "$state/bench.err" >&2
    echo "FAIL scripts/bench --quick failed" >&2
    exit 1
  fi
  cat "$state/bench.out"
  # Every row of both tables is printed, and calls were made: the rows' calls/s
  # add up to more than 0. A row of 0.3 s may complete no call on an overloaded
  # machine, and calls may then pass their deadline: neither is a failure here
  # (speed is not tested); a call failing with any other code is.
  total=0
  for row in "echo on our runner" "GetCircle (" "ListCircles sector+lang" \
    "RecordRepayment durable, SQLite" "RecordRepayment durable, PostgreSQL" \
    "neighbourhood 2 hops (" "suggestions, cached" "neighbourhood 2 hops, Redis stopped" \
    "GetCircle  " "ListCircles page 50" "neighbourhood, cached" "neighbourhood, Redis stopped" \
    "RecordRepayment SQLite"; do
    line="$(grep -F -m 1 -- "$row" "$state/bench.out" || true)"
    if [[ -z "$line" ]]; then
      echo "FAIL scripts/bench --quick: no row \"$row\"" >&2
      failures=$((failures + 1))
      continue
    fi
    # The table: the number after "c=N"; the growth table: the first number of
    # every size's cell.
    total="$(awk -v total="$total" '{
      if (match($0, / c=[0-9]+ +[0-9.]+/)) {
        s = substr($0, RSTART, RLENGTH); sub(/ c=[0-9]+ +/, "", s); total += s
      } else {
        n = split($0, cells, "|")
        for (i = 2; i <= n; i++) { split(cells[i], f, " "); total += f[1] }
      }
      print total }' <<<"$line")"
  done
  if ! awk -v t="$total" 'BEGIN { exit !(t > 0) }'; then
    echo "FAIL scripts/bench --quick: no call completed in any row" >&2
    failures=$((failures + 1))
  fi
  # The runs with failed calls, listed under the tables: any code but
  # DEADLINE_EXCEEDED is a failure.
  if sed -n 's/.*"errors_by_code":{\([^}]*\)}.*/\1/p' "$state/bench.out" | tr ',' '\n' |
    grep -v -e '^$' -e '^"DEADLINE_EXCEEDED":' >&2; then
    echo "FAIL scripts/bench --quick: calls failed (codes above)" >&2
    failures=$((failures + 1))
  fi
  echo "scripts/bench --quick took $(cercles_elapsed "$started")"
  ((failures == 0)) || exit 1
fi
echo "bench smoke: passed"
