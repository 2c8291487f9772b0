#!/usr/bin/env node
// node tests/deploy/check_manifests.mjs [--min-replicas NAME=N]... [--alerts FILE]
//     [--pods FILE]... NAME=RENDERED.yaml...
// Validates rendered overlays (`kubectl kustomize` output) against the
// Kubernetes and cert-manager schemas and the operations policy
// (tests/deploy/lib/policy.mjs), stand-alone Pod manifests (schema and
// hardening), and a Prometheus rules file. Prints one line
// per finding — "overlay: Kind/name: [rule] message" — and exits 1 if any.
import { checkAlerts } from "./lib/alerts.mjs";
import { exportedMetrics, serviceEnvNames } from "./lib/code_facts.mjs";
import { formatFinding, loadRendered } from "./lib/manifests.mjs";
import { checkPods, checkPolicy } from "./lib/policy.mjs";
import { validateSchemas } from "./lib/schema.mjs";

const overlays = [];
const minReplicas = {};
let alertsFile;
const podFiles = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--min-replicas") {
    const [name, n] = args[++i].split("=");
    minReplicas[name] = Number(n);
  } else if (args[i] === "--pods") {
    podFiles.push(args[++i]);
  } else if (args[i] === "--alerts") {
    alertsFile = args[++i];
  } else {
    const eq = args[i].indexOf("=");
    if (eq < 1) {
      console.error("usage: check_manifests.mjs [--min-replicas NAME=N] [--alerts FILE] [--pods FILE] NAME=FILE...");
      process.exit(2);
    }
    overlays.push({ name: args[i].slice(0, eq), file: args[i].slice(eq + 1) });
  }
}

const facts = { envNames: serviceEnvNames(), metrics: exportedMetrics() };
let total = 0;
for (const { name, file } of overlays) {
  const objects = loadRendered(file, name);
  const findings = [
    ...(await validateSchemas(objects)),
    ...checkPolicy(objects, facts, { minReplicas: minReplicas[name] }),
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
if (alertsFile) {
  const findings = checkAlerts(alertsFile, facts.metrics);
  findings.forEach((f) => console.log(formatFinding(f)));
  console.log(`alerts: ${findings.length} finding(s)`);
  total += findings.length;
}
process.exit(total ? 1 : 0);
