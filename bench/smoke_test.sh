#!/usr/bin/env bash
# bench_smoke: keeps the benchmark tools from rotting. Starts cercles-echo-server
# (and cercles-bare-echo, the floor scripts/bench reads every row against)
# with TLS, client certificates verified and a staff token, drives it with
# cercles-loadgen for about a second in the closed loop and one in the open loop
# (mTLS + bearer token, as scripts/bench does), and checks that calls were made
# and none failed. No figure is asserted: speed is read, never tested.
#   bench/smoke_test.sh ECHO_SERVER_BINARY LOADGEN_BINARY BARE_ECHO_BINARY
set -euo pipefail

(($# == 3)) || { echo "usage: bench/smoke_test.sh ECHO_SERVER LOADGEN BARE_ECHO" >&2; exit 2; }
echo_server="$1"
loadgen="$2"
bare_echo="$3"
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
echo "bench smoke: passed"
