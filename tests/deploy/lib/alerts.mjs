// Checks a Prometheus rules file (deploy/k8s/alerts/cercles-rules.yaml):
// well-formed groups and rules, a severity and a summary on every alert, and
// only metric names the code exports (or Kubernetes' own, listed below).
import fs from "node:fs";
import { parse } from "yaml";
import { finding } from "./manifests.mjs";

// Series that come from Prometheus and kube-state-metrics, not from Cercles.
const EXTERNAL_METRICS = new Set(["up", "kube_pod_container_status_restarts_total",
  "kube_deployment_status_replicas_available", "kube_deployment_spec_replicas",
  "kube_pod_container_resource_limits"]);
const SEVERITIES = new Set(["critical", "warning", "info"]);
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
// PromQL words that look like metric names but are not.
const PROMQL_WORDS = new Set(["sum", "rate", "irate", "increase", "by", "without", "on", "ignoring",
  "group_left", "group_right", "and", "or", "unless", "histogram_quantile", "max", "min", "avg",
  "count", "changes", "resets", "delta", "deriv", "time", "absent", "absent_over_time",
  "max_over_time", "min_over_time", "avg_over_time", "clamp_min", "clamp_max", "vector", "scalar",
  "bool", "offset", "topk", "bottomk", "label_replace", "le", "abs", "timestamp", "count_over_time",
  "sum_over_time", "quantile_over_time", "last_over_time", "present_over_time"]);

export function metricNames(expr) {
  const names = new Set();
  // Drop label matchers ({...}), strings and durations ([5m]) first.
  const stripped = expr.replace(/\{[^}]*\}/g, " ").replace(/"[^"]*"/g, " ").replace(/\[[^\]]*\]/g, " ");
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const after = stripped.slice(m.index + word.length).trimStart();
    if (PROMQL_WORDS.has(word) || after.startsWith("(")) continue;
    // Words inside by (...) / without (...) groupings are labels.
    const before = stripped.slice(0, m.index);
    if (/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*$/.test(before)) continue;
    if (/^\d/.test(word)) continue;
    names.add(word);
  }
  return names;
}

function known(name, exported) {
  if (exported.has(name) || EXTERNAL_METRICS.has(name)) return true;
  const base = name.replace(/_(bucket|sum|count)$/, "");
  return exported.has(base);
}

export function checkAlerts(file, exported) {
  const findings = [];
  const where = (rule) => `${file.replace(/^.*deploy\//, "deploy/")}: ${rule}`;
  let doc;
  try {
    doc = parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    return [finding(where("(file)"), "alerts", `not YAML: ${error.message}`)];
  }
  if (!Array.isArray(doc?.groups) || !doc.groups.length) return [finding(where("(file)"), "alerts", "must have a non-empty groups list")];
  const groupNames = new Set();
  for (const group of doc.groups) {
    if (!group.name || groupNames.has(group.name)) findings.push(finding(where(`group ${group.name}`), "alerts", "every group needs a unique name"));
    groupNames.add(group.name);
    if (!Array.isArray(group.rules) || !group.rules.length) {
      findings.push(finding(where(`group ${group.name}`), "alerts", "must have rules"));
      continue;
    }
    for (const rule of group.rules) {
      const id = where(rule.alert ? `alert ${rule.alert}` : `record ${rule.record}`);
      if (!rule.alert === !rule.record) findings.push(finding(id, "alerts", "a rule has exactly one of alert and record"));
      if (typeof rule.expr !== "string" || !rule.expr.trim()) {
        findings.push(finding(id, "alerts", "expr is missing"));
        continue;
      }
      if (rule.for !== undefined && !DURATION.test(String(rule.for))) findings.push(finding(id, "alerts", `for: "${rule.for}" is not a duration`));
      if (rule.alert) {
        if (!/^[A-Z][A-Za-z0-9]*$/.test(rule.alert)) findings.push(finding(id, "alerts", "alert names are CamelCase"));
        if (!SEVERITIES.has(rule.labels?.severity)) findings.push(finding(id, "alerts", "labels.severity must be critical, warning or info"));
        if (!rule.annotations?.summary) findings.push(finding(id, "alerts", "annotations.summary is missing"));
        if (!rule.annotations?.runbook && !rule.annotations?.description) findings.push(finding(id, "alerts", "annotations.description (what to do) is missing"));
      }
      let depth = 0;
      for (const ch of rule.expr) {
        depth += ch === "(" ? 1 : ch === ")" ? -1 : 0;
        if (depth < 0) break;
      }
      if (depth !== 0) findings.push(finding(id, "alerts", "expr has unbalanced parentheses"));
      for (const name of metricNames(rule.expr)) {
        if (!known(name, exported) && !(doc.groups.some((g) => (g.rules ?? []).some((r) => r.record === name)))) {
          findings.push(finding(id, "alerts", `expr uses ${name}, which no Cercles binary exports`));
        }
      }
    }
  }
  return findings;
}
