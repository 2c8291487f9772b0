#!/usr/bin/env bash
# tests/deploy/backup_restore_test.sh: the migrate Jobs, the backup CronJobs
# and the restore procedures of deploy/README.md, exercised on a running
# cercles-membership with TLS and staff tokens. The Job and CronJob commands
# are taken from the rendered overlays (kubectl kustomize; tests/deploy/
# job_command.mjs), not copied: what runs here is what the cluster runs.
#   SQLite      (overlays/single-fund) membership started as its Deployment
#               is (--wait_for_schema) on an empty database waits, NOT_SERVING;
#               the migrate Job's command migrates it and it serves; the backup
#               CronJob's command (cercles-membership --backup_to, online) runs
#               while it serves; stop, delete the database (and its -wal/-shm),
#               the README's `.restore`, start again: the circles of the
#               backup are back, the one created after it is not. Then a schema
#               newer than the binary: the Job's command and the service both
#               refuse it, naming the two versions.
#   PostgreSQL  (overlays/production) the same with the migrate Job's command,
#               the CronJob's pg_dump and the README's pg_restore into a dropped
#               and re-created database, when CERCLES_TEST_POSTGRES_URL is set
#               (scripts/test exports a throwaway cluster's URL).
# Binaries: CERCLES_BUILD_DIR (ctest passes the build under test), else
# build/dev. Installs the sqlite3 shell with apt-get when it is missing.
# The Job and restore commands are eval'ed, so written in single quotes.
# shellcheck disable=SC2016,SC2034
set -euo pipefail

# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"

build_dir="${CERCLES_BUILD_DIR:-$CERCLES_ROOT/build/dev}"
membership_bin="$build_dir/services/membership/cercles-membership"
ctl_bin="$build_dir/tools/cerclesctl/cerclesctl"
for binary in "$membership_bin" "$ctl_bin"; do
  [[ -x "$binary" ]] || cercles_die "$binary is missing: build cercles-membership and cerclesctl first (CERCLES_BUILD_DIR=$build_dir)"
done
command -v kubectl >/dev/null || cercles_die "kubectl is needed to render the manifests (kubectl kustomize)"
# shellcheck source=lib/npm.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/npm.sh"
cercles_deploy_npm_ci
# The manifests name the binaries as the image installs them (on the PATH).
PATH="$(dirname "$membership_bin"):$PATH"
export PATH

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

for overlay in single-fund production; do
  kubectl kustomize "$CERCLES_ROOT/deploy/k8s/overlays/$overlay" >"$work/$overlay.yaml" ||
    cercles_die "kubectl kustomize deploy/k8s/overlays/$overlay failed"
done

# run_manifest_command OVERLAY KIND NAME VAR=VALUE...: runs the first
# container's command of that Job or CronJob with exactly the variables it
# sets in the manifest, given their test values here (each must be given).
run_manifest_command() {
  local overlay="$1" kind="$2" name="$3" command=() env=() var
  shift 3
  mapfile -d '' command < <(node "$CERCLES_ROOT/tests/deploy/job_command.mjs" "$work/$overlay.yaml" "$kind" "$name")
  ((${#command[@]})) || cercles_die "$overlay: $kind/$name has no command"
  for var in $(node "$CERCLES_ROOT/tests/deploy/job_command.mjs" "$work/$overlay.yaml" "$kind" "$name" --env); do
    local found=""
    for assignment in "$@"; do [[ "${assignment%%=*}" == "$var" ]] && found="$assignment"; done
    [[ -n "$found" ]] || cercles_die "$overlay: $kind/$name sets $var, which this test does not provide"
    env+=("$found")
  done
  env -i PATH="$PATH" HOME="$work" "${env[@]}" "${command[@]}"
}

"$CERCLES_ROOT/scripts/gen-certs" "$work/certs" membership 2>/dev/null
"$CERCLES_ROOT/scripts/gen-token" "$work/tokens" admin admin >/dev/null
port=""

# As the Deployments run it: waiting for the migrate Job (--wait_for_schema).
start_membership() {  # start_membership DATABASE_URL LOG
  launch_membership "$@"
  if ! ctl health --wait 30s >/dev/null; then
    tail -n 20 "$2" >&2
    cercles_die "cercles-membership did not become SERVING on $1"
  fi
}

launch_membership() {  # launch_membership DATABASE_URL LOG
  port="$(cercles_free_port)"
  "$membership_bin" \
    --listen="127.0.0.1:$port" \
    --tls_cert="$work/certs/membership.pem" --tls_key="$work/certs/membership.key" \
    --tls_ca="$work/certs/ca.pem" \
    --tokens_file="$work/tokens/tokens.txt" \
    --trusted_services=membership,lending,network \
    --database_url="$1" \
    --fund_id=fund-backup-test \
    --wait_for_schema \
    --shutdown_grace_ms=2000 >>"$2" 2>&1 &
  service_pid=$!
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

# exercise ENGINE URL MIGRATE_CMD BACKUP_CMD WIPE_CMD RESTORE_CMD: the service
# starts waiting for its schema, MIGRATE_CMD (the Job) brings it, BACKUP_CMD
# runs while the service serves; RESTORE_CMD once it is stopped and its
# database is gone.
exercise() {
  local engine="$1" url="$2" migrate="$3" backup="$4" wipe="$5" restore="$6" log="$work/$1.log"
  local started names=() late listing name
  started="$(cercles_now)"
  launch_membership "$url" "$log"
  # Listening, but NOT_SERVING until the Job has migrated.
  for _ in $(seq 100); do
    grep -q '"waiting for the schema"' "$log" && break
    sleep 0.1
  done
  grep -q '"waiting for the schema"' "$log" || cercles_die "$engine: membership did not say it waits for the schema: $(tail -n 5 "$log")"
  if ctl health >/dev/null 2>&1; then
    cercles_die "$engine: membership served before the migrate Job ran"
  fi
  eval "$migrate" >>"$log" 2>&1 || { tail -n 5 "$log" >&2; cercles_die "$engine: the migrate Job's command failed"; }
  ctl health --wait 30s >/dev/null || { tail -n 20 "$log" >&2; cercles_die "$engine: not SERVING after the migrate Job"; }
  # The Job again, on a current schema: nothing to do, exit 0.
  eval "$migrate" >>"$log" 2>&1 || cercles_die "$engine: the migrate Job's command failed on a current schema"
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
  cercles_log "$engine: wait for the migrate Job, backup while serving, restore, restart: ${#names[@]} circles back, the later one gone ($(cercles_elapsed "$started"))"
}

# refuse_newer ENGINE URL MIGRATE_CMD RECORD_CMD: after RECORD_CMD records a
# migration newer than the binary knows, the Job's command and the service
# (as the Deployment starts it) both exit 1 naming the two versions.
refuse_newer() {
  local engine="$1" url="$2" migrate="$3" record="$4" log="$work/$1-newer.log" status=0
  eval "$record" || cercles_die "$engine: could not record a future migration"
  eval "$migrate" >"$log" 2>&1 || status=$?
  ((status == 1)) || cercles_die "$engine: the migrate Job's command exited $status on a newer schema: $(cat "$log")"
  grep -q 'schema membership_meetings is at version 9999, newer than this binary knows (version [0-9]*)' "$log" ||
    cercles_die "$engine: the refusal does not name both versions: $(cat "$log")"
  launch_membership "$url" "$log"
  status=0
  wait "$service_pid" || status=$?
  service_pid=""
  ((status == 1)) || cercles_die "$engine: membership exited $status on a newer schema: $(tail -n 5 "$log")"
  grep -q '"schema check failed".*version 9999, newer than this binary knows' "$log" ||
    cercles_die "$engine: membership's refusal does not name both versions: $(tail -n 5 "$log")"
  cercles_log "$engine: a schema newer than the binary is refused by the Job's command and by the service"
}

# --- SQLite: overlays/single-fund's Job and CronJob, deploy/README.md's restore ---
# The commands below are eval'ed by exercise and refuse_newer (single quotes).
db="$work/data/membership.db"
mkdir -p "$work/data" "$work/backups"
sqlite_env=("CERCLES_DATABASE_URL=sqlite://$db" "BACKUP_DIR=$work/backups")
newest_backup() { find "$work/backups" -name "membership-*.$1" | sort | tail -n 1; }
exercise sqlite "sqlite://$db" \
  'run_manifest_command single-fund Job membership-migrate "${sqlite_env[@]}"' \
  'run_manifest_command single-fund CronJob membership-backup "${sqlite_env[@]}" && [[ "$(sqlite3 "$(newest_backup db)" "PRAGMA integrity_check")" == ok ]]' \
  "rm -f '$db' '$db-wal' '$db-shm'" \
  'sqlite3 "$db" ".restore '"'"'$(newest_backup db)'"'"'"'
refuse_newer sqlite "sqlite://$db" \
  'run_manifest_command single-fund Job membership-migrate "${sqlite_env[@]}"' \
  "sqlite3 '$db' \"INSERT INTO schema_migrations_membership_meetings VALUES (9999, 'from the future', 0)\""

# --- PostgreSQL ----------------------------------------------------------------
if [[ -n "${CERCLES_TEST_POSTGRES_URL:-}" ]]; then
  pg_admin_url="$CERCLES_TEST_POSTGRES_URL"
  pg_database="cercles_backup_test_$$"
  pg_url="${pg_admin_url%/*}/$pg_database"
  psql_admin() { PGOPTIONS="-c client_min_messages=warning" psql --quiet --no-psqlrc --set ON_ERROR_STOP=1 "$pg_admin_url" "$@"; }
  psql_admin -c "DROP DATABASE IF EXISTS $pg_database" >/dev/null
  psql_admin -c "CREATE DATABASE $pg_database" >/dev/null
  pg_env=("CERCLES_DATABASE_URL=$pg_url" "DATABASE_URL=$pg_url" "BACKUP_DIR=$work/backups")
  exercise postgresql "$pg_url" \
    'run_manifest_command production Job membership-migrate "${pg_env[@]}"' \
    'run_manifest_command production CronJob membership-backup "${pg_env[@]}"' \
    "psql_admin -c 'DROP DATABASE $pg_database' >/dev/null && psql_admin -c 'CREATE DATABASE $pg_database' >/dev/null" \
    'pg_restore --exit-on-error --single-transaction --no-owner --dbname="$pg_url" "$(newest_backup dump)"'
  refuse_newer postgresql "$pg_url" \
    'run_manifest_command production Job membership-migrate "${pg_env[@]}"' \
    "psql --quiet --no-psqlrc '$pg_url' -c \"INSERT INTO schema_migrations_membership_meetings VALUES (9999, 'from the future', 0)\" >/dev/null"
else
  cercles_log "postgresql: CERCLES_TEST_POSTGRES_URL is not set; only SQLite was exercised"
fi
echo "backup_restore_test: passed"
