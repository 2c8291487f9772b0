#!/usr/bin/env bash
# tests/deploy/image_test.sh: builds the container image with
# deploy/container/build-image (podman build --isolation chroot) — from the
# release tree named by CERCLES_IMAGE_BINARIES when set (scripts/test's full
# run), else compiled in the image — and checks it:
#   - runs as the numeric non-root user 10001, holds the four binaries, every
#     shared library they need, sleep (preStop) and sqlite3 (backups), and no
#     compiler or build tool;
#   - cercles-membership starts inside it (buildah run --isolation chroot:
#     no container runtime daemon) with --insecure and SQLite in /tmp, and
#     cerclesctl, run inside the same container, gets SERVING from its health
#     service; the metrics port answers from the host (chroot isolation shares
#     the host's network namespace); SIGTERM drains it and it exits 0.
# Exit 77 (ctest: skipped) when podman, buildah or mmdebstrap cannot be
# installed or we are not root, except in CI (CI=true), where that fails.
# The build takes about 2 minutes from nothing on 2 cores (Debian packages
# included); a re-run reuses podman's layers and ccache's objects.
set -euo pipefail

# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"

readonly IMAGE=localhost/cercles:test

skip() {
  if [[ "${CI:-}" == true ]]; then
    cercles_die "$1 (CI=true: the image test must run)"
  fi
  echo "SKIPPED: $1"
  exit 77
}

((EUID == 0)) || skip "building and running images with podman/buildah here needs root"
tools_status=0
"$CERCLES_ROOT/deploy/container/build-image" --tools-only || tools_status=$?
case "$tools_status" in
  0) ;;
  3) skip "podman, buildah and mmdebstrap could not be installed with apt-get" ;;
  *) cercles_die "deploy/container/build-image --tools-only failed ($tools_status)" ;;
esac

# A full scripts/test run has just built the release preset: the image takes
# those binaries (target "prebuilt") rather than compiling them a second time.
# Without CERCLES_IMAGE_BINARIES the image compiles them itself.
image_args=(--tag "$IMAGE")
[[ -z "${CERCLES_IMAGE_BINARIES:-}" ]] || image_args+=(--binaries "$CERCLES_IMAGE_BINARIES")
started="$(cercles_now)"
"$CERCLES_ROOT/deploy/container/build-image" "${image_args[@]}"
build_time="$(cercles_elapsed "$started")"

# --- the image's configuration and contents ----------------------------------
user="$(podman image inspect --format '{{.Config.User}}' "$IMAGE")"
[[ "$user" == "10001:10001" ]] || cercles_die "the image runs as \"$user\", not 10001:10001"

work="$(mktemp -d "${TMPDIR:-/tmp}/cercles-image-test.XXXXXX")"
container=""
run_pid=""
cleanup() {
  if [[ -n "$run_pid" ]] && kill -0 "$run_pid" 2>/dev/null; then
    kill -TERM "$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
  fi
  [[ -z "$container" ]] || buildah rm "$container" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

container="$(buildah from --pull-never --name "cercles-image-test-$$" "$IMAGE")"
in_image() { buildah run --isolation chroot "$container" -- "$@"; }

# shellcheck disable=SC2016 # expanded by the shell inside the image
in_image sh -c '
  set -e
  [ "$(id -u)" = 10001 ] || { echo "runs as uid $(id -u)"; exit 1; }
  for binary in cercles-membership cercles-lending cercles-network cerclesctl; do
    path="$(command -v "$binary")" || { echo "$binary is missing"; exit 1; }
    if ldd "$path" | grep "not found"; then echo "$binary: missing libraries"; exit 1; fi
  done
  for tool in sleep sqlite3 tar; do
    command -v "$tool" >/dev/null || { echo "$tool is missing"; exit 1; }
  done
  for tool in gcc g++ cc c++ cmake ninja make ld as; do
    if command -v "$tool" >/dev/null; then echo "build tool $tool is in the image"; exit 1; fi
  done
  [ ! -d /usr/include/grpcpp ] || { echo "development headers are in the image"; exit 1; }
' || cercles_die "the image's contents are wrong (see above)"

# Every binary names the release and the commit it was built from (build-image
# passes the revision: the build context has no .git).
version="$(sed -n 's/^project(cercles VERSION \([0-9.]*\).*/\1/p' "$CERCLES_ROOT/CMakeLists.txt")"
for binary in cercles-membership cercles-lending cercles-network cerclesctl; do
  line="$(in_image "$binary" --version)" || cercles_die "$binary --version failed in the image"
  [[ "$line" == "$binary $version (revision "* && "$line" != *"(revision unknown)" ]] ||
    cercles_die "$binary --version in the image: \"$line\" (expected version $version and a git revision)"
done

# --- a service runs in it ----------------------------------------------------
port="$(cercles_free_port)"
metrics_port="$(cercles_free_port)"
log="$work/membership.log"
buildah run --isolation chroot "$container" -- cercles-membership \
  --insecure --listen="127.0.0.1:$port" --metrics_listen="127.0.0.1:$metrics_port" \
  --database_url=sqlite:///tmp/cercles-image-test.db --fund_id=fund-image-test \
  --shutdown_grace_ms=2000 >"$log" 2>&1 &
run_pid=$!

if ! health="$(in_image cerclesctl --insecure --address "127.0.0.1:$port" health --wait 60s 2>"$work/ctl.err")"; then
  cat "$work/ctl.err" "$log" >&2
  cercles_die "cerclesctl inside the image did not get SERVING from cercles-membership"
fi
[[ "$health" == SERVING ]] || cercles_die "health answered \"$health\""

metrics=""
exec 3<>"/dev/tcp/127.0.0.1/$metrics_port" || cercles_die "the metrics port $metrics_port does not answer from the host"
printf 'GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
metrics="$(cat <&3)"
exec 3<&-
grep -q 'grpc_server_handled_total{.*grpc_method="Check",grpc_service="grpc.health.v1.Health"' <<<"$metrics" ||
  cercles_die "the metrics do not count the health call: $(head -c 500 <<<"$metrics")"

# SIGTERM to the service itself (buildah run relays nothing when it is killed):
# find it among buildah run's descendants by its command line.
service_pid=""
pending=("$run_pid")
while ((${#pending[@]})) && [[ -z "$service_pid" ]]; do
  parent="${pending[0]}"
  pending=("${pending[@]:1}")
  for stat in /proc/[0-9]*/stat; do
    pid="${stat#/proc/}" && pid="${pid%/stat}"
    read -r -a fields <"$stat" 2>/dev/null || continue
    [[ "${fields[3]:-}" == "$parent" ]] || continue
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "^[^ ]*cercles-membership .*127.0.0.1:$port"; then
      service_pid="$pid"
      break
    fi
    pending+=("$pid")
  done
done
[[ -n "$service_pid" ]] || cercles_die "cannot find the cercles-membership process under buildah run ($run_pid)"
kill -TERM "$service_pid"
run_status=0
wait "$run_pid" || run_status=$?
run_pid=""
((run_status == 0)) || { cat "$log" >&2; cercles_die "cercles-membership exited with $run_status after SIGTERM"; }
grep -q '"msg":"stopped"' "$log" || { cat "$log" >&2; cercles_die "cercles-membership did not log its drain"; }

size="$(podman image inspect --format '{{.Size}}' "$IMAGE")"
echo "image_test: passed ($IMAGE, $((size / 1000000)) MB, build $build_time, total $(cercles_elapsed "$started"))"
