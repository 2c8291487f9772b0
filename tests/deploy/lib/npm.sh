# shellcheck shell=bash
# tests/deploy's npm packages (package-lock.json), installed once: npm ci only
# when the lock changed since the last install, under a lock so that the
# deploy tests ctest runs side by side do not install over each other.
cercles_deploy_npm_ci() {
  local here="$CERCLES_ROOT/tests/deploy"
  local stamp="$here/node_modules/.cercles-installed-lock.json"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    cercles_die "node and npm are needed (apt-get install nodejs npm)"
  fi
  (
    flock 9
    if ! cmp -s "$here/package-lock.json" "$stamp"; then
      cercles_log "installing tests/deploy's npm packages"
      (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
      cp "$here/package-lock.json" "$stamp"
    fi
  ) 9>"$here/.npm-install.lock"
}
