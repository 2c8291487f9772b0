# shellcheck shell=bash
# shellcheck disable=SC2034  # the BENCH_* globals are read by the scripts sourcing this
# The benchmark's helpers (scripts/bench and its thin wrappers): the release
# binaries, a state folder with certificates and a token, services started and
# timed to SERVING, CPU pinning, cercles-loadgen runs with the server's CPU time
# per call, resident memory, the durable PostgreSQL cluster, the cached data
# sets. Source it after common.sh:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/bench.sh"
# Globals it sets: BENCH_STATE (the temporary folder), BENCH_TOKEN (the staff
# token file), BENCH_PID / BENCH_STARTUP_MS (by service name), BENCH_CLIENT_PIN
# and BENCH_SERVER_PIN (taskset prefixes, empty when not pinned).

BENCH_CLIENT_PIN=()
BENCH_SERVER_PIN=()
BENCH_PIDS=()
BENCH_KEEP=0
BENCH_STATE=""
BENCH_PG_DIR=""
declare -gA BENCH_PID=() BENCH_T0=() BENCH_STARTUP_MS=()

# bench_build BUILD_DIR TARGETS...: brings the targets up to date (a no-op when
# nothing changed: figures of stale binaries would be misleading).
bench_build() {
  local dir="$1" log
  shift
  cercles_log "bringing the binaries in $dir up to date"
  log="$(mktemp)"
  if ! (
    cd "$CERCLES_ROOT"
    [[ -f "$dir/build.ninja" ]] || cmake --preset release -B "$dir"
    cmake --build "$dir" --target "$@"
  ) >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    rm -f "$log"
    cercles_die "the build failed (last lines above)"
  fi
  rm -f "$log"
}

# bench_require_binaries PATH...: each is an executable, or die naming it.
bench_require_binaries() {
  local binary
  for binary; do
    [[ -x "$binary" ]] || cercles_die "$binary is missing: build it first (or drop --no-build)"
  done
}

# bench_pin 0|1: with 1 and at least 2 CPUs (and taskset), the load generator
# runs on CPU 0 and the measured servers on CPU 1. Sets BENCH_PINNING to a line
# saying how, for the header. (Sets globals: never call it in $(...).)
bench_pin() {
  if (($1)) && (($(nproc) >= 2)) && command -v taskset >/dev/null; then
    BENCH_CLIENT_PIN=(taskset -c 0)
    BENCH_SERVER_PIN=(taskset -c 1)
    BENCH_PINNING="pinned: load generator on CPU 0 (taskset -c 0), the measured server on CPU 1 (taskset -c 1); Redis, PostgreSQL and the idle sibling membership unpinned"
  else
    BENCH_CLIENT_PIN=()
    BENCH_SERVER_PIN=()
    local why="--no-pin"
    (($1)) && why="$(nproc) CPU(s) or no taskset"
    BENCH_PINNING="not pinned ($why): load generator, servers, Redis and PostgreSQL share the CPUs"
  fi
}

# bench_seconds DURATION -> seconds ("10s", "500ms", "1m", "1.5s").
bench_seconds() {
  awk -v d="$1" 'BEGIN {
    if (d ~ /ms$/) { sub(/ms$/, "", d); print d / 1000 }
    else if (d ~ /m$/) { sub(/m$/, "", d); print d * 60 }
    else { sub(/s$/, "", d); print d + 0 } }'
}

# bench_init_state PREFIX SERVICES...: a temporary folder with a CA, a
# certificate per service (and loadgen's), a staff token; everything started
# later is stopped at exit (the folder removed unless BENCH_KEEP=1).
bench_init_state() {
  local prefix="$1"
  shift
  BENCH_STATE="$(mktemp -d "${TMPDIR:-/tmp}/$prefix.XXXXXX")"
  chmod 755 "$BENCH_STATE"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  "$CERCLES_ROOT/scripts/gen-certs" "$BENCH_STATE/certs" "$@" loadgen 2>"$BENCH_STATE/gen-certs.log" ||
    { cat "$BENCH_STATE/gen-certs.log" >&2; cercles_die "scripts/gen-certs failed"; }
  BENCH_TOKEN="$("$CERCLES_ROOT/scripts/gen-token" "$BENCH_STATE/tokens" admin bench)"
}

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${BENCH_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -z "$BENCH_STATE" ]] || cercles_stop_redis "$BENCH_STATE/redis"
  [[ -z "$BENCH_PG_DIR" ]] || cercles_stop_postgres "$BENCH_PG_DIR"
  [[ -n "$BENCH_STATE" ]] || return 0
  if ((BENCH_KEEP)); then
    cercles_log "kept $BENCH_STATE (logs, databases, results.jsonl)"
  else
    rm -rf "$BENCH_STATE"
  fi
}

# bench_server_flags NAME: TLS with client certificates required, staff tokens.
bench_server_flags() {
  echo --tls_cert "$BENCH_STATE/certs/$1.pem" --tls_key "$BENCH_STATE/certs/$1.key" \
    --tls_ca "$BENCH_STATE/certs/ca.pem" --require_client_cert \
    --tokens_file "$BENCH_STATE/tokens/tokens.txt" --trusted_services membership,network,lending \
    --shutdown_grace_ms 2000
}

# bench_start NAME server|aside BINARY ARGS...: runs it in the background, its
# output in NAME.log; "server" pins it where the measured servers go. The
# clock of start-to-SERVING starts here, right before the exec.
bench_start() {
  local name="$1" where="$2" binary="$3" prefix=()
  shift 3
  [[ "$where" == server ]] && prefix=("${BENCH_SERVER_PIN[@]}")
  BENCH_T0[$name]="$EPOCHREALTIME"
  "${prefix[@]}" "$binary" "$@" >"$BENCH_STATE/$name.log" 2>&1 &
  BENCH_PID[$name]=$!
  BENCH_PIDS+=($!)
}

# bench_wait_serving NAME PORT [SECONDS]: until NAME logs "serving" (after its
# migrations) and listens, or die with its log. Sets BENCH_STARTUP_MS[NAME]:
# from the exec to the time stamp of that log line.
bench_wait_serving() {
  local name="$1" port="$2" seconds="${3:-300}" pid="${BENCH_PID[$1]}" deadline line stamp
  deadline=$(($(date +%s) + seconds))
  until line="$(grep -m 1 '"msg":"serving"' "$BENCH_STATE/$name.log" 2>/dev/null)"; do
    if ! kill -0 "$pid" 2>/dev/null || (($(date +%s) >= deadline)); then
      tail -n 20 "$BENCH_STATE/$name.log" >&2
      cercles_die "$name did not start (log above)"
    fi
    sleep 0.05
  done
  cercles_wait_tcp "$port" 10 || cercles_die "$name does not listen on $port"
  stamp="$(sed -n 's/^{"time":"\([^"]*\)".*/\1/p' <<<"$line")"
  BENCH_STARTUP_MS[$name]="$(awk -v s="${BENCH_T0[$name]}" -v e="$(date -d "$stamp" +%s.%N)" \
    'BEGIN { printf "%.0f", (e - s) * 1000 }')"
}

# bench_stop NAME: SIGTERM and wait (a service drains like in production).
bench_stop() {
  local pid="${BENCH_PID[$1]}" kept=() p
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${BENCH_PIDS[@]}"; do [[ "$p" == "$pid" ]] || kept+=("$p"); done
  BENCH_PIDS=("${kept[@]}")
  unset 'BENCH_PID[$1]'
}

# bench_metric PORT SERIES: one series of a /metrics page (0 if absent).
bench_metric() {
  local port="$1" series="$2" body
  body="$(
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 0
    printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    cat <&3
  )" || true
  awk -v s="$series" '$1 == s { v = $2 } END { printf "%.0f", v + 0 }' <<<"$body"
}

# bench_field JSON KEY: a number of a result line.
bench_field() { sed -n "s/.*\"$2\":\\([-0-9.e+]*\\).*/\\1/p" <<<"$1"; }

# bench_ratio A B -> A / B with two decimals, "-" when B is 0 or missing.
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }

# bench_loadgen SERVER_NAME PORT ARGS...: one cercles-loadgen run (on the load
# generator's CPU); prints its JSON line (also kept in results.jsonl). Failed
# calls are in the line; a run that could not happen at all stops the script.
bench_loadgen() {
  local name="$1" port="$2" out status=0
  shift 2
  out="$("${BENCH_CLIENT_PIN[@]}" "$BENCH_LOADGEN" --target "127.0.0.1:$port" --server_name "$name" \
    --ca "$BENCH_STATE/certs/ca.pem" --cert "$BENCH_STATE/certs/loadgen.pem" \
    --key "$BENCH_STATE/certs/loadgen.key" --token_file "$BENCH_TOKEN" --output json "$@" \
    2>"$BENCH_STATE/loadgen.err")" || status=$?
  if ((status > 1)) || [[ -z "$out" ]]; then
    cat "$BENCH_STATE/loadgen.err" >&2
    cercles_die "cercles-loadgen failed (status $status) against $name"
  fi
  echo "$out" >>"$BENCH_STATE/results.jsonl"
  echo "$out"
}

# --- CPU time and memory of the servers --------------------------------------
# bench_cpu_ticks PID...: utime + stime (clock ticks) summed over the processes
# (fields 14 and 15 of /proc/PID/stat; all of a process's threads).
bench_cpu_ticks() {
  local pid stat sum=0 fields
  for pid; do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    read -ra fields <<<"${stat##*) }"
    sum=$((sum + fields[11] + fields[12]))
  done
  echo "$sum"
}

# bench_postgres_pids DIR: the postmaster of the cluster in DIR and its children
# (the backends serving the service's connections, the WAL writer, ...).
bench_postgres_pids() {
  local postmaster
  postmaster="$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null)" || return 0
  [[ -n "$postmaster" ]] || return 0
  # shellcheck disable=SC2046  # a list of pids
  echo "$postmaster" $(pgrep -P "$postmaster" || true)
}

# bench_cpu_start WARMUP DURATION "SERVER PIDS" [AUX]: in the background, samples
# the CPU time of the server processes (and of AUX: "redis" for this state's
# redis-server, "postgres" for the durable cluster) once the warm-up is over and
# again just before the measured window ends, with the wall clock of each
# sample; bench_cpu_result reads them. Sampling inside the window, from rates,
# keeps the loadgen's start-up and drain out of the figure.
bench_cpu_start() {
  local warmup_s duration_s servers="$3" aux="${4:-}"
  warmup_s="$(bench_seconds "$1")" duration_s="$(bench_seconds "$2")"
  (
    aux_pids() {
      case "$aux" in
        redis) cat "$BENCH_STATE/redis/redis.pid" 2>/dev/null || true ;;
        postgres) bench_postgres_pids "$BENCH_PG_DIR" ;;
      esac
    }
    sleep "$(awk -v w="$warmup_s" -v d="$duration_s" 'BEGIN { print w + d * 0.05 }')"
    # shellcheck disable=SC2046,SC2086  # lists of pids, split on purpose
    echo "$EPOCHREALTIME $(bench_cpu_ticks $servers) $(bench_cpu_ticks $(aux_pids))"
    sleep "$(awk -v d="$duration_s" 'BEGIN { print d * 0.9 }')"
    # shellcheck disable=SC2046,SC2086
    echo "$EPOCHREALTIME $(bench_cpu_ticks $servers) $(bench_cpu_ticks $(aux_pids))"
  ) >"$BENCH_STATE/cpu.samples" &
  BENCH_CPU_SAMPLER=$!
}

# bench_cpu_result JSON -> JSON with "server_cpu_us" and "aux_cpu_us" (CPU
# microseconds per OK call: CPU time per second of the window / calls per second).
bench_cpu_result() {
  local json="$1" tick
  wait "$BENCH_CPU_SAMPLER" 2>/dev/null || true
  tick="$(getconf CLK_TCK)"
  awk -v json="$json" -v tick="$tick" -v rate="$(bench_field "$json" calls_per_s)" '
    NR == 1 { t1 = $1; s1 = $2; a1 = $3 } NR == 2 { t2 = $1; s2 = $2; a2 = $3 }
    END {
      srv = -1; aux = -1
      if (NR == 2 && t2 > t1 && rate > 0) {
        srv = (s2 - s1) / tick / (t2 - t1) / rate * 1e6
        aux = (a2 - a1) / tick / (t2 - t1) / rate * 1e6
      }
      sub(/}$/, "", json)
      printf "%s,\"server_cpu_us\":%.1f,\"aux_cpu_us\":%.1f}\n", json, srv, aux
    }' "$BENCH_STATE/cpu.samples"
}

# bench_memory_kb PID -> "VmRSS VmHWM" in kB (resident now, and its peak).
bench_memory_kb() {
  awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 } END { printf "%d %d", r, h }' "/proc/$1/status" 2>/dev/null ||
    echo "0 0"
}

# --- PostgreSQL with the default durability ----------------------------------
# bench_start_durable_postgres PORT DATABASES...: a cluster in BENCH_STATE/pg with
# fsync, synchronous_commit and full_page_writes on (unlike cercles_start_postgres's
# test clusters). Sets BENCH_PG_URL (without a database name).
bench_start_durable_postgres() {
  local port="$1" bindir db
  shift
  BENCH_PG_DIR="$BENCH_STATE/pg"
  bindir="$(cercles_pg_bindir)"
  mkdir -p "$BENCH_PG_DIR"
  if ((EUID == 0)); then chown postgres: "$BENCH_PG_DIR"; fi
  cercles_as_pg_user "$bindir/initdb" -D "$BENCH_PG_DIR/data" -U postgres -A trust -E UTF8 --no-locale \
    >"$BENCH_PG_DIR/initdb.log" 2>&1 || { cat "$BENCH_PG_DIR/initdb.log" >&2; cercles_die "initdb failed"; }
  cercles_as_pg_user "$bindir/pg_ctl" -D "$BENCH_PG_DIR/data" -l "$BENCH_PG_DIR/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $BENCH_PG_DIR -c max_connections=200" start \
    >/dev/null || { cat "$BENCH_PG_DIR/postgres.log" >&2; cercles_die "PostgreSQL did not start"; }
  for db; do
    cercles_as_pg_user "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
  done
  BENCH_PG_URL="postgresql://postgres@127.0.0.1:$port"
}

bench_stop_durable_postgres() {
  [[ -z "$BENCH_PG_DIR" ]] || cercles_stop_postgres "$BENCH_PG_DIR"
  BENCH_PG_DIR=""
}

# --- data sets, cached by their parameters and the sources that shape them ----
# bench_dataset KIND CACHE_DIR GENERATOR ARGS... -> the path of the SQLite file
# (made when missing; the generator's time is logged and kept in
# CACHE_DIR/KEY.seconds). KIND is membership or network; the key holds ARGS.
bench_dataset() {
  local kind="$1" cache="$2" generator="$3" sources_hash key dataset partial start
  shift 3
  mkdir -p "$cache"
  sources_hash="$(
    cd "$CERCLES_ROOT" || exit 1
    case "$kind" in
      membership)
        cat services/membership/migrations*/*.sql services/membership/*_store.cc \
          services/membership/*_rules.cc bench/membership_dataset/membership_dataset.cc \
          tools/demo/fund_vocabulary.cc tools/demo/demo_plan.cc
        ;;
      network)
        cat services/network/migrations/*.sql services/network/*_store.cc \
          services/network/event_projection.cc services/network/*_rules.cc \
          bench/network_dataset/network_dataset.cc
        ;;
    esac | sha256sum | cut -c1-12
  )"
  key="$kind$(printf '%s' "$*" | tr -s ' -' '_' | tr -cd 'A-Za-z0-9_')-$sources_hash"
  dataset="$cache/$key.db"
  if [[ -f "$dataset" ]]; then
    cercles_log "reusing the data set $dataset"
  else
    cercles_log "generating the $kind data set: $*"
    partial="$dataset.partial"
    rm -f "$partial" "$partial-wal" "$partial-shm"
    start="$EPOCHREALTIME"
    "$generator" --database_url "sqlite://$partial" "$@" >"$cache/$key.log" 2>&1 ||
      { tail -n 20 "$cache/$key.log" >&2; cercles_die "the $kind data set could not be generated"; }
    awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f\n", e - s }' >"$cache/$key.seconds"
    mv "$partial" "$dataset"
    cercles_log "generated in $(cat "$cache/$key.seconds") s"
  fi
  echo "$dataset"
}

# bench_dataset_seconds DATASET -> the generator's time when it was made ("?" if unknown).
bench_dataset_seconds() { cat "${1%.db}.seconds" 2>/dev/null || echo "?"; }

# bench_header TITLE: the lines every table starts with.
bench_header() {
  local cpu_model revision
  cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)"
  revision="$(git -C "$CERCLES_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git -C "$CERCLES_ROOT" status --porcelain 2>/dev/null | head -n 1)" ]]; then
    revision="$revision + uncommitted changes"
  fi
  echo "$1, $(date -u +%Y-%m-%dT%H:%M:%SZ), revision $revision"
  echo "machine: $(nproc) CPUs, ${cpu_model:-unknown CPU}, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
