#!/usr/bin/env bash
# tests/deploy/backup_restore_test.sh: the backup and restore procedures of
# deploy/README.md ("Backup and restore"), exercised on a running
# cercles-membership with TLS and staff tokens:
#   SQLite      online `sqlite3 DB ".backup FILE"` while the service runs (WAL),
#               stop, delete the database (and its -wal/-shm), `.restore`,
#               start again: the circles of the backup are back, the one created
#               after it is not.
#   PostgreSQL  the same with pg_dump --format=custom / pg_restore into a
#               dropped and re-created database, when CERCLES_TEST_POSTGRES_URL
#               is set (scripts/test exports a throwaway cluster's URL).
# Binaries: CERCLES_BUILD_DIR (ctest passes the build under test), else
# build/dev. Installs the sqlite3 shell with apt-get when it is missing.
set -euo pipefail

# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"

build_dir="${CERCLES_BUILD_DIR:-$CERCLES_ROOT/build/dev}"
membership_bin="$build_dir/services/membership/cercles-membership"
ctl_bin="$build_dir/tools/cerclesctl/cerclesctl"
for binary in "$membership_bin" "$ctl_bin"; do
  [[ -x "$binary" ]] || cercles_die "$binary is missing: build cercles-membership and cerclesctl first (CERCLES_BUILD_DIR=$build_dir)"
done

if ! command -v sqlite3 >/dev/null; then
  cercles_log "installing the sqlite3 shell"
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends sqlite3 >/dev/null
fi

# Our variables only: the service and cerclesctl read CERCLES_* from the environment.
for var in $(compgen -e | grep '^CERCLES_' || true); do
  case "$var" in CERCLES_ROOT | CERCLES_TEST_POSTGRES_URL) ;; *) unset "$var" ;; esac
done

work="$(mktemp -d "${TMPDIR:-/tmp}/cercles-backup-test.XXXXXX")"
service_pid=""
pg_admin_url="" pg_database=""
cleanup() {
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill -KILL "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  if [[ -n "$pg_database" ]]; then
    psql --quiet --no-psqlrc "$pg_admin_url" -c "DROP DATABASE IF EXISTS $pg_database" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$CERCLES_ROOT/scripts/gen-certs" "$work/certs" membership 2>/dev/null
"$CERCLES_ROOT/scripts/gen-token" "$work/tokens" admin admin >/dev/null
port=""

start_membership() {  # start_membership DATABASE_URL LOG
  port="$(cercles_free_port)"
  "$membership_bin" \
    --listen="127.0.0.1:$port" \
    --tls_cert="$work/certs/membership.pem" --tls_key="$work/certs/membership.key" \
    --tls_ca="$work/certs/ca.pem" \
    --tokens_file="$work/tokens/tokens.txt" \
    --trusted_services=membership,lending,network \
    --database_url="$1" \
    --fund_id=fund-backup-test \
    --shutdown_grace_ms=2000 >>"$2" 2>&1 &
  service_pid=$!
  if ! ctl health --wait 30s >/dev/null; then
    tail -n 20 "$2" >&2
    cercles_die "cercles-membership did not become SERVING on $1"
  fi
}

stop_membership() {  # stop_membership LOG: SIGTERM, drains, exits 0
  kill -TERM "$service_pid"
  local status=0
  wait "$service_pid" || status=$?
  service_pid=""
  if ((status != 0)); then
    tail -n 20 "$1" >&2
    cercles_die "cercles-membership exited with $status after SIGTERM"
  fi
}

ctl() {
  "$ctl_bin" --address "127.0.0.1:$port" --ca "$work/certs/ca.pem" \
    --token-file "$work/tokens/admin.token" --timeout 10s "$@"
}

create_circle() {  # create_circle DISPLAY_NAME REQUEST_ID -> circle name
  ctl --output json circles create --display-name "$1" --request-id "$2" \
    --characteristic sector=food | grep -o '"name":"circles/[^"]*"' | head -n 1 | cut -d'"' -f4
}

# exercise ENGINE URL BACKUP_CMD RESTORE_CMD: BACKUP_CMD runs while the service
# serves; RESTORE_CMD once it is stopped and its database is gone.
exercise() {
  local engine="$1" url="$2" backup="$3" wipe="$4" restore="$5" log="$work/$1.log"
  local started names=() late listing name
  started="$(cercles_now)"
  start_membership "$url" "$log"
  for i in 1 2 3; do
    names+=("$(create_circle "Cercle $engine $i" "backup-$engine-$i")")
  done
  [[ -n "${names[0]}" && -n "${names[2]}" ]] || cercles_die "$engine: circles were not created"

  eval "$backup" || cercles_die "$engine: the backup command failed: $backup"
  # After the backup: must be gone once the backup is restored.
  late="$(create_circle "Cercle $engine after the backup" "backup-$engine-late")"
  stop_membership "$log"

  eval "$wipe" || cercles_die "$engine: could not delete the database"
  eval "$restore" || cercles_die "$engine: the restore command failed: $restore"

  start_membership "$url" "$log"
  listing="$(ctl --output json circles list --all)"
  for name in "${names[@]}"; do
    grep -q "\"name\":\"$name\"" <<<"$listing" || cercles_die "$engine: $name is missing after the restore: $listing"
    ctl circles get "$name" >/dev/null || cercles_die "$engine: circles get $name failed after the restore"
  done
  if grep -q "\"name\":\"$late\"" <<<"$listing"; then
    cercles_die "$engine: $late, created after the backup, came back: the restore did not replace the database"
  fi
  # The service keeps working on the restored database (sequences, outbox).
  [[ -n "$(create_circle "Cercle $engine restored" "backup-$engine-restored")" ]] ||
    cercles_die "$engine: cannot create a circle after the restore"
  stop_membership "$log"
  cercles_log "$engine: backup while serving, restore, restart: ${#names[@]} circles back, the later one gone ($(cercles_elapsed "$started"))"
}

# --- SQLite: the commands of deploy/README.md -------------------------------
db="$work/data/membership.db"
mkdir -p "$work/data" "$work/backups"
exercise sqlite "sqlite://$db" \
  "sqlite3 '$db' \".backup '$work/backups/membership.db'\" && [[ \"\$(sqlite3 '$work/backups/membership.db' 'PRAGMA integrity_check')\" == ok ]]" \
  "rm -f '$db' '$db-wal' '$db-shm'" \
  "sqlite3 '$db' \".restore '$work/backups/membership.db'\""

# --- PostgreSQL ----------------------------------------------------------------
if [[ -n "${CERCLES_TEST_POSTGRES_URL:-}" ]]; then
  pg_admin_url="$CERCLES_TEST_POSTGRES_URL"
  pg_database="cercles_backup_test_$$"
  pg_url="${pg_admin_url%/*}/$pg_database"
  psql_admin() { PGOPTIONS="-c client_min_messages=warning" psql --quiet --no-psqlrc --set ON_ERROR_STOP=1 "$pg_admin_url" "$@"; }
  psql_admin -c "DROP DATABASE IF EXISTS $pg_database" >/dev/null
  psql_admin -c "CREATE DATABASE $pg_database" >/dev/null
  exercise postgresql "$pg_url" \
    "pg_dump --format=custom --file='$work/backups/membership.dump' '$pg_url'" \
    "psql_admin -c 'DROP DATABASE $pg_database' >/dev/null && psql_admin -c 'CREATE DATABASE $pg_database' >/dev/null" \
    "pg_restore --exit-on-error --single-transaction --no-owner --dbname='$pg_url' '$work/backups/membership.dump'"
else
  cercles_log "postgresql: CERCLES_TEST_POSTGRES_URL is not set; only SQLite was exercised"
fi
echo "backup_restore_test: passed"
