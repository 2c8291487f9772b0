# shellcheck shell=bash
# Shared helpers of the scripts in scripts/: logging, dependency installation,
# throwaway Redis and PostgreSQL servers, waiting for ports. Source it:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

CERCLES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CERCLES_ROOT

# --- logging -----------------------------------------------------------------
cercles_log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
cercles_warn() { printf 'warning: %s\n' "$*" >&2; }
cercles_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Seconds since the epoch, with fractions, for timing summaries.
cercles_now() { date +%s.%N; }
# cercles_elapsed START -> "12.3s"
cercles_elapsed() { awk -v s="$1" -v e="$(cercles_now)" 'BEGIN { printf "%.1fs", e - s }'; }

# --- dependencies ------------------------------------------------------------
# Debian packages the build, the tests and scripts/up need.
CERCLES_APT_PACKAGES=(
  cmake ninja-build g++ clang libclang-rt-14-dev lld pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libhiredis-dev libsqlite3-dev libpq-dev libjemalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server postgresql openssl clang-format
  libcurl4-openssl-dev python3-aiosmtpd
)
# With the Node tooling (--with-npm, the test command): the browser that
# playwright-core drives in the browser test of the reports (tests/browser),
# and the font the reports name.
CERCLES_APT_BROWSER_PACKAGES=(chromium fonts-dejavu-core)

# cercles_install_deps [--with-npm]
# Installs only what is missing (apt-get update only then); with --with-npm also
# the Node tooling of tools/node (buf, a third-party gRPC client, playwright-core)
# and CERCLES_APT_BROWSER_PACKAGES.
cercles_install_deps() {
  local with_npm=0
  while (($#)); do
    case "$1" in
      --with-npm) with_npm=1 ;;
      *) cercles_die "cercles_install_deps: unknown option $1" ;;
    esac
    shift
  done

  local missing=() package status packages=("${CERCLES_APT_PACKAGES[@]}")
  ((with_npm)) && packages+=("${CERCLES_APT_BROWSER_PACKAGES[@]}")
  for package in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
  done
  # Node.js may come from Debian or from elsewhere (with npm bundled): look for
  # the commands rather than the Debian package names, so that a machine's own
  # Node.js is never replaced.
  if ((with_npm)); then
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
  fi
  if ((${#missing[@]})); then
    cercles_log "installing Debian packages: ${missing[*]}"
    local sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi

  if ((with_npm)); then
    local node_dir="$CERCLES_ROOT/tools/node"
    # Installed from this very lock file already: nothing to do (npm ci would
    # delete node_modules and download everything again on every run).
    local stamp="$node_dir/node_modules/.cercles-installed-lock.json"
    if [[ -x "$node_dir/node_modules/.bin/buf" ]] && cmp -s "$node_dir/package-lock.json" "$stamp"; then
      return 0
    fi
    cercles_log "installing Node tooling in tools/node"
    if [[ -f "$node_dir/package-lock.json" ]]; then
      (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
    else
      (cd "$node_dir" && npm install --no-audit --no-fund --loglevel=error)
    fi
    cp "$node_dir/package-lock.json" "$stamp"
  fi
}

# --- ports -------------------------------------------------------------------
# cercles_free_port -> a TCP port nobody listens on at 127.0.0.1 right now,
# drawn below the kernel's ephemeral range: outgoing connections take their
# local port from that range, so a port picked there could be taken by any
# client before the server binds it ("Address already in use"). The C++ tests'
# FreePort (tests/support/process.cc) draws from the same range.
cercles_free_port() {
  local port low=32768
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  ((low > 11000)) || low=32768
  for _ in $(seq 1 200); do
    port=$((10000 + (RANDOM * 32768 + RANDOM) % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  cercles_die "no free TCP port found"
}

# cercles_wait_tcp PORT SECONDS: until something accepts on 127.0.0.1:PORT.
cercles_wait_tcp() {
  local port="$1" seconds="$2" deadline
  deadline=$(($(date +%s) + seconds))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if (($(date +%s) >= deadline)); then
      cercles_warn "nothing listens on 127.0.0.1:$port after ${seconds}s"
      return 1
    fi
    sleep 0.1
  done
}

# --- Redis -------------------------------------------------------------------
# cercles_start_redis PORT DIR: a throwaway redis-server on 127.0.0.1:PORT,
# no persistence, its pid file and log in DIR.
cercles_start_redis() {
  local port="$1" dir="$2"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  command -v redis-server >/dev/null || cercles_die "redis-server is not installed"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --daemonize yes ||
    cercles_die "redis-server did not start (see $dir/redis.log)"
  cercles_wait_tcp "$port" 10 || cercles_die "redis-server did not listen on $port (see $dir/redis.log)"
}

# cercles_stop_redis DIR
cercles_stop_redis() {
  local pid_file="$1/redis.pid" pid
  [[ -f "$pid_file" ]] || return 0
  pid="$(cat "$pid_file")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$pid_file"
}

# --- PostgreSQL --------------------------------------------------------------
cercles_pg_bindir() {
  local bindir
  if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
    pg_config --bindir
    return
  fi
  # The newest installed major version.
  bindir="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  [[ -x "$bindir/initdb" ]] || cercles_die "PostgreSQL server binaries not found (package postgresql)"
  echo "$bindir"
}

# Runs a command as the `postgres` user when we are root (PostgreSQL refuses
# to run as root), as ourselves otherwise.
cercles_as_pg_user() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# cercles_start_postgres PORT DIR: a throwaway cluster in DIR (created if
# needed), trust authentication on loopback only, its unix socket in DIR.
# Sets and exports CERCLES_TEST_POSTGRES_URL.
cercles_start_postgres() {
  local port="$1" dir="$2" bindir
  bindir="$(cercles_pg_bindir)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if ((EUID == 0)); then
    id postgres >/dev/null 2>&1 || cercles_die "user postgres is missing (package postgresql)"
    chown postgres: "$dir"
    runuser -u postgres -- test -w "$dir" ||
      cercles_die "user postgres cannot reach $dir: make its parent folders world-searchable (chmod o+x)"
  fi
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    rm -rf "$dir/data"
    cercles_as_pg_user "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
      --no-locale >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      cercles_die "initdb failed"
    }
  fi
  cercles_as_pg_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" \
    start >/dev/null || {
    cat "$dir/postgres.log" >&2
    cercles_die "PostgreSQL did not start"
  }
  CERCLES_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
  export CERCLES_TEST_POSTGRES_URL
}

# cercles_stop_postgres DIR
cercles_stop_postgres() {
  local dir="$1" bindir
  [[ -f "$dir/data/postmaster.pid" ]] || return 0
  bindir="$(cercles_pg_bindir)"
  cercles_as_pg_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}
