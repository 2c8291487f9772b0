#!/usr/bin/env node
// node tests/deploy/check_manifests.mjs [--min-replicas NAME=N]... [--monitoring NAME]...
//     [--pods FILE]... NAME=RENDERED.yaml...
// Validates rendered overlays (`kubectl kustomize` output) against the
// Kubernetes, cert-manager and Prometheus Operator schemas, the operations
// policy (tests/deploy/lib/policy.mjs) and their monitoring objects
// (PrometheusRule, PodMonitor, Grafana dashboards: tests/deploy/lib/alerts.mjs;
// required in the overlays named by --monitoring), and stand-alone Pod
// manifests (schema and hardening). Prints one line per finding —
// "overlay: Kind/name: [rule] message" — and exits 1 if any.
import { checkMonitoring } from "./lib/alerts.mjs";
import { exportedMetrics, serviceEnvNames } from "./lib/code_facts.mjs";
import { formatFinding, loadRendered } from "./lib/manifests.mjs";
import { checkPods, checkPolicy } from "./lib/policy.mjs";
import { validateSchemas } from "./lib/schema.mjs";

const overlays = [];
const minReplicas = {};
const monitored = new Set();
const podFiles = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--min-replicas") {
    const [name, n] = args[++i].split("=");
    minReplicas[name] = Number(n);
  } else if (args[i] === "--pods") {
    podFiles.push(args[++i]);
  } else if (args[i] === "--monitoring") {
    monitored.add(args[++i]);
  } else {
    const eq = args[i].indexOf("=");
    if (eq < 1) {
      console.error("usage: check_manifests.mjs [--min-replicas NAME=N] [--monitoring NAME] [--pods FILE] NAME=FILE...");
      process.exit(2);
    }
    overlays.push({ name: args[i].slice(0, eq), file: args[i].slice(eq + 1) });
  }
}

// An overlay named by --monitoring renders the monitoring component.
function requiredMonitoring(objects, required) {
  if (!required) return [];
  const has = (kind) => objects.some((o) => o.kind === kind);
  const dashboard = objects.some((o) => o.kind === "ConfigMap" && o.metadata?.labels?.grafana_dashboard !== undefined);
  return [
    ...(has("PodMonitor") ? [] : [{ object: "overlay", rule: "monitoring", message: "no PodMonitor (components/monitoring)" }]),
    ...(has("PrometheusRule") ? [] : [{ object: "overlay", rule: "monitoring", message: "no PrometheusRule (components/monitoring)" }]),
    ...(dashboard ? [] : [{ object: "overlay", rule: "monitoring", message: "no Grafana dashboard ConfigMap (components/monitoring)" }]),
  ];
}

const facts = { envNames: serviceEnvNames(), metrics: exportedMetrics() };
let total = 0;
for (const { name, file } of overlays) {
  const objects = loadRendered(file, name);
  const findings = [
    ...(await validateSchemas(objects)),
    ...checkPolicy(objects, facts, { minReplicas: minReplicas[name] }),
    ...checkMonitoring(objects, facts.metrics),
    ...requiredMonitoring(objects, monitored.has(name)),
  ].map((f) => (f.object.startsWith(`${name}:`) ? f : { ...f, object: `${name}: ${f.object}` }));
  findings.forEach((f) => console.log(formatFinding(f)));
  console.log(`${name}: ${objects.length} objects, ${findings.length} finding(s)`);
  total += findings.length;
}
for (const file of podFiles) {
  const name = file.replace(/^.*deploy\//, "deploy/");
  const objects = loadRendered(file, name);
  const findings = [...(await validateSchemas(objects)), ...checkPods(objects)];
  findings.forEach((f) => console.log(formatFinding(f)));
  console.log(`${name}: ${objects.length} objects, ${findings.length} finding(s)`);
  total += findings.length;
}
process.exit(total ? 1 : 0);
