#!/usr/bin/env bash
# tests/deploy/manifests_test.sh: the Kubernetes manifests of deploy/k8s,
# offline. Renders the base and every overlay with `kubectl kustomize`,
# validates every rendered object against the Kubernetes and cert-manager
# schemas, applies the operations policy (probes, resources, security
# context, PDBs, NetworkPolicies, image tags, complete configuration for each
# service's flags, native gRPC probes on the health port...) and checks the
# monitoring component (PrometheusRule, PodMonitor, Grafana dashboard: it
# parses and queries only metrics the services export); then the policy
# self-test breaks the rendered overlays on purpose and expects each break to
# be reported with its object and rule. Installs its npm packages
# (tests/deploy/package.json) when node_modules is missing or stale.
set -euo pipefail

# shellcheck source=SCRIPTDIR/../../scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"

# shellcheck source=lib/npm.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/npm.sh"

here="$CERCLES_ROOT/tests/deploy"
k8s="$CERCLES_ROOT/deploy/k8s"
command -v kubectl >/dev/null || cercles_die "kubectl is needed to render the manifests (kubectl kustomize)"
cercles_deploy_npm_ci

work="$(mktemp -d "${TMPDIR:-/tmp}/cercles-manifests.XXXXXX")"
trap 'rm -rf "$work"' EXIT

started="$(cercles_now)"
kubectl kustomize "$k8s/base" >"$work/base.yaml" || cercles_die "kubectl kustomize deploy/k8s/base failed"
overlays=()
for dir in "$k8s"/overlays/*/; do
  name="$(basename "$dir")"
  kubectl kustomize "$dir" >"$work/$name.yaml" || cercles_die "kubectl kustomize deploy/k8s/overlays/$name failed"
  overlays+=("$name=$work/$name.yaml")
done
((${#overlays[@]} >= 2)) || cercles_die "expected the overlays single-fund and production"
cercles_log "rendered base and ${#overlays[@]} overlays ($(cercles_elapsed "$started"))"

pods=()
for pod in "$k8s"/operations/*.yaml; do pods+=(--pods "$pod"); done

status=0
node "$here/check_manifests.mjs" --min-replicas production=2 --monitoring production \
  "${pods[@]}" "${overlays[@]}" || status=1
node "$here/policy_selftest.mjs" "${overlays[@]}" || status=1
((status == 0)) && echo "manifests_test: passed ($(cercles_elapsed "$started"))"
exit "$status"
