// Checks the monitoring objects of a rendered overlay
// (deploy/k8s/components/monitoring): each PrometheusRule's groups (well-formed
// rules, a severity and a summary on every alert, only metric names the code
// exports or Kubernetes' own, listed below), each Grafana dashboard ConfigMap
// (label grafana_dashboard: JSON that parses, every query on exported
// metrics) and each PodMonitor (it scrapes the Cercles pods' "metrics" port as
// job="cercles", the job the alerts name).
import { byKind, finding } from "./manifests.mjs";

// Series that come from Prometheus and kube-state-metrics, not from Cercles.
const EXTERNAL_METRICS = new Set(["up", "kube_pod_container_resource_requests", "kube_pod_container_status_restarts_total",
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
  "sum_over_time", "quantile_over_time", "last_over_time", "present_over_time", "label_values",
  "__rate_interval", "__interval", "__range"]);

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

// A PrometheusRule's spec (or a rules file's content): groups of rules.
export function checkRuleGroups(doc, where, exported) {
  const findings = [];
  if (!Array.isArray(doc?.groups) || !doc.groups.length) return [finding(where("(spec)"), "alerts", "must have a non-empty groups list")];
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
      findings.push(...checkExpr(rule.expr, id, "alerts", exported,
        (name) => doc.groups.some((g) => (g.rules ?? []).some((r) => r.record === name))));
    }
  }
  return findings;
}

// Balanced parentheses and known metric names (`recorded` tells the names of
// recording rules).
function checkExpr(expr, id, rule, exported, recorded = () => false) {
  const findings = [];
  let depth = 0;
  for (const ch of expr) {
    depth += ch === "(" ? 1 : ch === ")" ? -1 : 0;
    if (depth < 0) break;
  }
  if (depth !== 0) findings.push(finding(id, rule, "expr has unbalanced parentheses"));
  for (const name of metricNames(expr)) {
    if (!known(name, exported) && !recorded(name)) {
      findings.push(finding(id, rule, `expr uses ${name}, which no Cercles binary exports`));
    }
  }
  return findings;
}

function checkDashboard(configMap, exported) {
  const findings = [];
  for (const [key, text] of Object.entries(configMap.data ?? {})) {
    const where = `${configMap.__source ? `${configMap.__source}: ` : ""}ConfigMap/${configMap.metadata.name} ${key}`;
    let dashboard;
    try {
      dashboard = JSON.parse(text);
    } catch (error) {
      findings.push(finding(where, "dashboard", `not JSON: ${error.message}`));
      continue;
    }
    if (!dashboard.title || !dashboard.uid) findings.push(finding(where, "dashboard", "needs a title and a uid"));
    const panels = [];
    const walk = (list) => (list ?? []).forEach((p) => { panels.push(p); walk(p.panels); });
    walk(dashboard.panels);
    let queries = 0;
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        if (typeof target.expr !== "string") continue;
        queries++;
        findings.push(...checkExpr(target.expr, `${where}: panel "${panel.title}"`, "dashboard", exported));
      }
    }
    if (!queries) findings.push(finding(where, "dashboard", "has no Prometheus query"));
  }
  return findings;
}

function checkPodMonitor(objects, monitor) {
  const findings = [];
  const pods = byKind(objects, "Deployment").filter((d) => {
    const labels = d.spec?.template?.metadata?.labels ?? {};
    const selector = monitor.spec?.selector ?? {};
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
    for (const e of selector.matchExpressions ?? []) {
      if (e.operator === "In" && !(e.values ?? []).includes(labels[e.key])) return false;
      if (e.operator === "Exists" && !(e.key in labels)) return false;
    }
    return true;
  });
  const names = pods.map((d) => d.spec.template.metadata.labels["app.kubernetes.io/name"]).sort();
  if (names.join(",") !== "lending,membership,network") {
    findings.push(finding(monitor, "monitoring", `must select the pods of membership, lending and network, selects ${JSON.stringify(names)}`));
  }
  for (const endpoint of monitor.spec?.podMetricsEndpoints ?? []) {
    for (const pod of pods) {
      const ports = (pod.spec.template.spec.containers ?? []).flatMap((c) => c.ports ?? []);
      if (!ports.some((p) => p.name === endpoint.port)) {
        findings.push(finding(monitor, "monitoring", `scrapes port "${endpoint.port}", which ${pod.metadata.name}'s containers do not declare`));
      }
    }
  }
  if (!(monitor.spec?.podMetricsEndpoints ?? []).some((e) => e.port === "metrics")) {
    findings.push(finding(monitor, "monitoring", "must scrape the port named \"metrics\""));
  }
  // The alerts and the dashboard name job="cercles": the job is the value of
  // the pods' label named by jobLabel.
  for (const pod of pods) {
    const job = pod.spec.template.metadata.labels?.[monitor.spec?.jobLabel];
    if (job !== "cercles") {
      findings.push(finding(monitor, "monitoring", `jobLabel "${monitor.spec?.jobLabel}" gives ${pod.metadata.name}'s pods job="${job}", not job="cercles" (the alerts' job)`));
    }
  }
  return findings;
}

// The monitoring objects of one rendered overlay.
export function checkMonitoring(objects, exported) {
  const findings = [];
  for (const rule of byKind(objects, "PrometheusRule")) {
    const prefix = `${rule.__source ? `${rule.__source}: ` : ""}PrometheusRule/${rule.metadata?.name}`;
    findings.push(...checkRuleGroups(rule.spec, (what) => `${prefix}: ${what}`, exported));
  }
  for (const configMap of byKind(objects, "ConfigMap")) {
    if (configMap.metadata?.labels?.grafana_dashboard !== undefined) findings.push(...checkDashboard(configMap, exported));
  }
  for (const monitor of byKind(objects, "PodMonitor")) findings.push(...checkPodMonitor(objects, monitor));
  return findings;
}
