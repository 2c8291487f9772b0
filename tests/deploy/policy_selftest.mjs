#!/usr/bin/env node
// node tests/deploy/policy_selftest.mjs single-fund=FILE production=FILE
// Shows that the checks catch what they claim to: breaks rendered overlays one
// way at a time and expects the finding that names the broken object and the
// rule. A check that stays silent on its own breakage fails this test.
import { checkMonitoring } from "./lib/alerts.mjs";
import { exportedMetrics, serviceEnvNames } from "./lib/code_facts.mjs";
import { cloneObjects, findObject, formatFinding, loadRendered } from "./lib/manifests.mjs";
import { checkPolicy } from "./lib/policy.mjs";
import { validateSchemas } from "./lib/schema.mjs";

const rendered = {};
for (const arg of process.argv.slice(2)) {
  const [name, file] = arg.split("=");
  rendered[name] = loadRendered(file, name);
}
const facts = { envNames: serviceEnvNames(), metrics: exportedMetrics() };
const container = (objects, name) => findObject(objects, "Deployment", name).spec.template.spec.containers[0];
const jobContainer = (objects, kind, name) => {
  const o = findObject(objects, kind, name);
  return (kind === "CronJob" ? o.spec.jobTemplate.spec.template : o.spec.template).spec.containers[0];
};
const configMap = (objects, prefix) => objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith(`${prefix}-`));

// [overlay, description, mutate(objects), rule, object expected in the finding]
const cases = [
  ["single-fund", "readiness probe removed", (o) => { delete container(o, "membership").readinessProbe; }, "probes", "Deployment/membership"],
  ["production", "native grpc probe on the TLS port", (o) => { container(o, "lending").livenessProbe = { grpc: { port: 7102 } }; }, "probes", "Deployment/lending"],
  ["production", "probe checks another port", (o) => { container(o, "network").startupProbe.grpc.port = 9103; }, "probes", "Deployment/network"],
  ["single-fund", "exec probe instead of grpc", (o) => { container(o, "membership").readinessProbe = { exec: { command: ["cerclesctl", "health"] } }; }, "probes", "Deployment/membership"],
  ["production", "health listener on another port", (o) => { container(o, "lending").ports.find((p) => p.name === "health").containerPort = 8082; }, "env", "Deployment/lending"],
  ["single-fund", "latest image tag", (o) => { container(o, "network").image = "registry.example.org/cercles:latest"; }, "image-tag", "Deployment/network"],
  ["single-fund", "untagged Redis image", (o) => { container(o, "redis").image = "redis"; }, "image-tag", "Deployment/redis"],
  ["production", "memory limit removed", (o) => { delete container(o, "membership").resources.limits.memory; }, "resources", "Deployment/membership"],
  ["single-fund", "writable root file system", (o) => { container(o, "lending").securityContext.readOnlyRootFilesystem = false; }, "security-context", "Deployment/lending"],
  ["single-fund", "capabilities kept", (o) => { container(o, "redis").securityContext.capabilities = {}; }, "security-context", "Deployment/redis"],
  ["production", "privilege escalation allowed", (o) => { container(o, "network").securityContext.allowPrivilegeEscalation = true; }, "security-context", "Deployment/network"],
  ["production", "seccomp profile removed", (o) => { const d = findObject(o, "Deployment", "membership"); delete d.spec.template.spec.securityContext.seccompProfile; delete container(o, "membership").securityContext.seccompProfile; }, "security-context", "Deployment/membership"],
  ["single-fund", "root user", (o) => { findObject(o, "Deployment", "membership").spec.template.spec.securityContext.runAsUser = 0; }, "security-context", "Deployment/membership"],
  ["production", "PodDisruptionBudget removed", (o) => { o.splice(o.indexOf(findObject(o, "PodDisruptionBudget", "lending")), 1); }, "pdb", "Deployment/lending"],
  ["single-fund", "PodDisruptionBudget that blocks drains", (o) => { const p = findObject(o, "PodDisruptionBudget", "membership"); delete p.spec.maxUnavailable; p.spec.minAvailable = 1; }, "pdb", "PodDisruptionBudget/membership"],
  ["production", "membership address missing", (o) => { delete configMap(o, "lending-config").data.CERCLES_MEMBERSHIP_ADDRESS; }, "env", "Deployment/lending"],
  ["single-fund", "misspelt variable", (o) => { const d = configMap(o, "membership-config").data; d.CERCLES_DATABSE_URL = d.CERCLES_DATABASE_URL; delete d.CERCLES_DATABASE_URL; }, "env", "Deployment/membership"],
  ["single-fund", "listening on loopback", (o) => { configMap(o, "network-config").data.CERCLES_LISTEN = "127.0.0.1:7103"; }, "env", "Deployment/network"],
  ["production", "plaintext", (o) => { configMap(o, "cercles-common").data.CERCLES_INSECURE = "true"; }, "env", "Deployment/membership"],
  ["production", "password in a ConfigMap", (o) => { const c = container(o, "lending"); c.env = c.env.filter((e) => e.name !== "CERCLES_DATABASE_URL"); configMap(o, "lending-config").data.CERCLES_DATABASE_URL = "postgresql://lending:secret@db:5432/lending"; }, "env", "Deployment/lending"],
  ["single-fund", "SQLite on the pod's temporary directory", (o) => { configMap(o, "lending-config").data.CERCLES_DATABASE_URL = "sqlite:///tmp/lending.db"; }, "storage", "Deployment/lending"],
  ["single-fund", "SQLite with a rolling update", (o) => { findObject(o, "Deployment", "network").spec.strategy = { type: "RollingUpdate" }; }, "storage", "Deployment/network"],
  ["single-fund", "termination grace shorter than the drain", (o) => { findObject(o, "Deployment", "membership").spec.template.spec.terminationGracePeriodSeconds = 5; }, "graceful-shutdown", "Deployment/membership"],
  ["production", "no preStop pause", (o) => { delete container(o, "network").lifecycle; }, "graceful-shutdown", "Deployment/network"],
  ["production", "ingress open to everyone", (o) => { o.push({ ...structuredClone(findObject(o, "NetworkPolicy", "default-deny-ingress")), metadata: { name: "allow-all", namespace: "cercles" }, spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] } }); o[o.length - 1].__source = "production"; }, "network-policy", "NetworkPolicy/allow-all"],
  ["production", "network's staff port open to peer funds", (o) => { findObject(o, "NetworkPolicy", "network-federation-from-peer-funds").spec.ingress[0].ports[0].port = "grpc"; }, "network-policy", "NetworkPolicy/network-federation-from-peer-funds"],
  ["single-fund", "peer funds' door closed", (o) => { o.splice(o.indexOf(findObject(o, "NetworkPolicy", "network-federation-from-peer-funds")), 1); }, "network-policy", "Deployment/network"],
  ["single-fund", "federation listener on the staff port", (o) => { configMap(o, "network-config").data.CERCLES_FEDERATION_LISTEN = "0.0.0.0:7103"; }, "env", "Deployment/network"],
  ["production", "Service without the federation port", (o) => { const s = findObject(o, "Service", "network"); s.spec.ports = s.spec.ports.filter((p) => p.name !== "federation"); }, "service", "Deployment/network"],
  ["single-fund", "lending cut off from membership", (o) => { o.splice(o.indexOf(findObject(o, "NetworkPolicy", "membership-from-lending")), 1); }, "network-policy", "Deployment/membership"],
  ["production", "no default deny", (o) => { o.splice(o.indexOf(findObject(o, "NetworkPolicy", "default-deny-ingress")), 1); }, "network-policy", "overlay"],
  ["production", "certificate with the wrong common name", (o) => { findObject(o, "Certificate", "network").spec.commonName = "network.cercles.svc"; }, "certificates", "Certificate/network"],
  ["production", "HPA and fixed replicas", (o) => { findObject(o, "Deployment", "lending").spec.replicas = 3; }, "hpa", "Deployment/lending"],
  ["production", "a single replica", (o) => { findObject(o, "HorizontalPodAutoscaler", "membership").spec.minReplicas = 1; }, "replicas", "Deployment/membership"],
  ["single-fund", "service account token mounted", (o) => { findObject(o, "Deployment", "lending").spec.template.spec.automountServiceAccountToken = true; }, "service-account", "Deployment/lending"],
  ["single-fund", "Service without the metrics port", (o) => { const s = findObject(o, "Service", "network"); s.spec.ports = s.spec.ports.filter((p) => p.name !== "metrics"); }, "service", "Deployment/network"],
  ["production", "unknown field", (o) => { const c = container(o, "membership"); c.readinessProbes = c.readinessProbe; delete c.readinessProbe; }, "schema", "Deployment/membership"],
  ["production", "wrong type", (o) => { findObject(o, "Service", "lending").spec.ports[0].port = "grpc"; }, "schema", "Service/lending"],
  ["single-fund", "missing required field", (o) => { delete container(o, "redis").name; }, "schema", "Deployment/redis"],
  ["production", "alert on a metric nobody exports", (o) => { const rule = findObject(o, "PrometheusRule", "cercles"); rule.spec.groups[2].rules[0].expr = rule.spec.groups[2].rules[0].expr.replace("cercles_events_reconnects_total", "cercles_events_reconnect_total"); }, "alerts", "PrometheusRule/cercles"],
  ["production", "alert without severity", (o) => { delete findObject(o, "PrometheusRule", "cercles").spec.groups[0].rules[0].labels; }, "alerts", "PrometheusRule/cercles"],
  ["production", "dashboard panel on a metric nobody exports", (o) => { const cm = findObject(o, "ConfigMap", "cercles-grafana-dashboard"); cm.data["cercles.json"] = cm.data["cercles.json"].replace(/grpc_server_handled_total/g, "cercles_grpc_server_handled_total"); }, "dashboard", "ConfigMap/cercles-grafana-dashboard"],
  ["production", "dashboard that is not JSON", (o) => { const cm = findObject(o, "ConfigMap", "cercles-grafana-dashboard"); cm.data["cercles.json"] = cm.data["cercles.json"].slice(0, 100); }, "dashboard", "ConfigMap/cercles-grafana-dashboard"],
  ["production", "PodMonitor on another port", (o) => { findObject(o, "PodMonitor", "cercles").spec.podMetricsEndpoints[0].port = "grpc-metrics"; }, "monitoring", "PodMonitor/cercles"],
  ["production", "PodMonitor job other than cercles", (o) => { findObject(o, "PodMonitor", "cercles").spec.jobLabel = "app.kubernetes.io/name"; }, "monitoring", "PodMonitor/cercles"],
  ["production", "unknown PodMonitor field", (o) => { findObject(o, "PodMonitor", "cercles").spec.podMetricEndpoints = []; }, "schema", "PodMonitor/cercles"],
  ["production", "unknown cert-manager field", (o) => { findObject(o, "Certificate", "membership").spec.commonNam = "membership"; }, "schema", "Certificate/membership"],
  // The release pieces (tests/deploy/lib/jobs.mjs).
  ["single-fund", "image of another version", (o) => { container(o, "membership").image = "registry.example.org/cercles:0.0.9"; }, "image-version", "Deployment/membership"],
  ["production", "migrate Job removed", (o) => { o.splice(o.indexOf(findObject(o, "Job", "lending-migrate")), 1); }, "migrate", "Deployment/lending"],
  ["single-fund", "migrate Job on another database", (o) => { jobContainer(o, "Job", "membership-migrate").env = [{ name: "CERCLES_DATABASE_URL", value: "sqlite:///var/lib/cercles/other.db" }]; }, "migrate", "Job/membership-migrate"],
  ["single-fund", "migrate Job without the database's volume", (o) => { const j = findObject(o, "Job", "network-migrate"); j.spec.template.spec.volumes.find((v) => v.name === "data").persistentVolumeClaim.claimName = "membership-data"; }, "migrate", "Job/network-migrate"],
  ["production", "pods migrate themselves beside the Job", (o) => { delete configMap(o, "network-config").data.CERCLES_WAIT_FOR_SCHEMA; }, "migrate", "Deployment/network"],
  ["single-fund", "backup CronJob removed", (o) => { o.splice(o.indexOf(findObject(o, "CronJob", "lending-backup")), 1); }, "backup", "Deployment/lending"],
  ["single-fund", "backups on the database's own volume", (o) => { findObject(o, "CronJob", "membership-backup").spec.jobTemplate.spec.template.spec.volumes.find((v) => v.name === "backups").persistentVolumeClaim.claimName = "membership-data"; }, "backup", "CronJob/membership-backup"],
  ["single-fund", "SQLite copied by hand", (o) => { jobContainer(o, "CronJob", "network-backup").command = ["sh", "-c", "cp /var/lib/cercles/network.db \"$BACKUP_DIR\""]; }, "backup", "CronJob/network-backup"],
  ["production", "pg_dump of another database", (o) => { jobContainer(o, "CronJob", "lending-backup").env.find((e) => e.name === "DATABASE_URL").valueFrom.secretKeyRef.name = "membership-database"; }, "backup", "CronJob/lending-backup"],
  ["production", "membership backed up before network", (o) => { findObject(o, "CronJob", "membership-backup").spec.schedule = "0 1 * * *"; }, "backup", "CronJob/membership-backup"],
  ["production", "backups running at once", (o) => { findObject(o, "CronJob", "network-backup").spec.concurrencyPolicy = "Allow"; }, "backup", "CronJob/network-backup"],
  ["production", "backup container as root", (o) => { findObject(o, "CronJob", "membership-backup").spec.jobTemplate.spec.template.spec.securityContext.runAsUser = 0; }, "security-context", "CronJob/membership-backup"],
];

let passed = 0;
let failed = 0;
for (const [overlay, description, mutate, rule, expected] of cases) {
  const objects = cloneObjects(rendered[overlay]);
  mutate(objects);
  // The schema validation (TypeScript's checker: most of this test's time) can
  // only report [schema] findings, so it runs for those cases alone.
  const findings = [
    ...(rule === "schema" ? await validateSchemas(objects) : []),
    ...checkPolicy(objects, facts, { minReplicas: overlay === "production" ? 2 : undefined }),
    ...checkMonitoring(objects, facts.metrics),
  ];
  const hit = findings.find((f) => f.rule === rule && f.object.includes(expected));
  if (hit) {
    passed++;
    console.log(`ok   ${overlay}, ${description}: ${formatFinding(hit)}`);
  } else {
    failed++;
    console.log(`FAIL ${overlay}, ${description}: expected [${rule}] on ${expected}; got ${findings.length ? findings.map(formatFinding).join(" | ") : "no finding"}`);
  }
}

console.log(`policy self-test: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
