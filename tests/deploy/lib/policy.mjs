// The operations policy of deploy/k8s, checked on rendered overlays. Each rule
// has an id (printed in brackets) and names the object that breaks it.
import { SERVICES } from "./code_facts.mjs";
import { checkJobs } from "./jobs.mjs";
import { byKind, finding, findObject } from "./manifests.mjs";

const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "ClusterIssuer",
  "PersistentVolume", "StorageClass", "PriorityClass"]);
const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

// The ingress each workload needs (README.md, "Architecture"): target name ->
// port name -> allowed sources. Sources: "pod:<app name>" (same namespace),
// "staff-client" (pods labelled cercles/staff-client=true), "any",
// "namespace:<name>" (every pod of that namespace).
const EXPECTED_INGRESS = {
  membership: { grpc: ["pod:lending", "pod:network", "staff-client"], metrics: ["namespace:monitoring"] },
  lending: { grpc: ["pod:network", "staff-client"], metrics: ["namespace:monitoring"] },
  // Peer funds reach network's federation port only (FederationService), from
  // anywhere; its grpc port (staff and services) stays inside.
  network: { grpc: ["staff-client"], federation: ["any"], metrics: ["namespace:monitoring"] },
  redis: { redis: ["pod:network"] },
};

// The variables each service needs in Kubernetes: what its binary requires,
// plus what the defaults get wrong in a pod (a loopback listen address, no
// metrics, plaintext-free TLS, staff tokens, service identities).
const REQUIRED_ENV = {
  common: ["CERCLES_LISTEN", "CERCLES_METRICS_LISTEN", "CERCLES_HEALTH_LISTEN", "CERCLES_DATABASE_URL", "CERCLES_FUND_ID",
    "CERCLES_TLS_CERT", "CERCLES_TLS_KEY", "CERCLES_TLS_CA", "CERCLES_TOKENS_FILE",
    "CERCLES_TRUSTED_SERVICES"],
  membership: [],
  lending: ["CERCLES_MEMBERSHIP_ADDRESS"],
  network: ["CERCLES_MEMBERSHIP_ADDRESS", "CERCLES_LENDING_ADDRESS", "CERCLES_REDIS_URL",
    "CERCLES_FEDERATION_LISTEN", "CERCLES_FEDERATION_CERT", "CERCLES_FEDERATION_KEY", "CERCLES_FEDERATION_CA"],
};
const FILE_ENV = ["CERCLES_TLS_CERT", "CERCLES_TLS_KEY", "CERCLES_TLS_CA", "CERCLES_TOKENS_FILE",
  "CERCLES_REDIS_PASSWORD_FILE", "CERCLES_FEDERATION_CERT", "CERCLES_FEDERATION_KEY", "CERCLES_FEDERATION_CA"];
// Named ports each service's Service must expose, beyond grpc and metrics.
const EXTRA_SERVICE_PORTS = { network: ["federation"] };

// --- helpers -------------------------------------------------------------------

export function parseQuantity(value) {
  if (typeof value === "number") return value;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(value));
  if (!m) return NaN;
  const factors = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2,
    Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return m[2] in factors ? Number(m[1]) * factors[m[2]] : NaN;
}

function labelsMatch(selector, labels) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels?.[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = labels && e.key in labels;
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

function isEmptySelector(selector) {
  return selector && !Object.keys(selector.matchLabels ?? {}).length &&
    !(selector.matchExpressions ?? []).length;
}

function podSpec(workload) {
  return workload.spec?.template?.spec ?? {};
}

function containersOf(workload) {
  const spec = podSpec(workload);
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

function appName(workload) {
  return workload.spec?.template?.metadata?.labels?.["app.kubernetes.io/name"];
}

function isCercles(workload) {
  return workload.kind === "Deployment" && SERVICES.includes(appName(workload));
}

function serviceContainer(workload) {
  return (podSpec(workload).containers ?? []).find((c) => c.name === appName(workload)) ??
    podSpec(workload).containers?.[0];
}

function containerPort(container, nameOrNumber) {
  return (container.ports ?? []).find((p) => p.name === nameOrNumber || p.containerPort === nameOrNumber);
}

function hpaFor(objects, workload) {
  return byKind(objects, "HorizontalPodAutoscaler").find(
    (h) => h.spec?.scaleTargetRef?.kind === workload.kind && h.spec?.scaleTargetRef?.name === workload.metadata.name,
  );
}

export function effectiveReplicas(objects, workload) {
  const hpa = hpaFor(objects, workload);
  if (hpa) return hpa.spec.minReplicas ?? 1;
  return workload.spec?.replicas ?? 1;
}

function mountFor(container, spec, path) {
  const mounts = (container.volumeMounts ?? []).filter(
    (m) => path === m.mountPath || path.startsWith(m.mountPath.replace(/\/?$/, "/")),
  );
  mounts.sort((a, b) => b.mountPath.length - a.mountPath.length);
  if (!mounts.length) return undefined;
  const volume = (spec.volumes ?? []).find((v) => v.name === mounts[0].name);
  return { mount: mounts[0], volume };
}

function hostPort(value) {
  const m = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(value ?? "");
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
}

// The environment a container starts with: explicit env, then envFrom
// ConfigMaps and Secrets (rendered ConfigMaps are resolved; Secrets are the
// operator's, so only their presence is known).
function resolveEnv(objects, workload, container, findings) {
  const env = new Map();
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      const cm = findObject(objects, "ConfigMap", from.configMapRef.name);
      if (!cm) {
        findings.push(finding(workload, "env", `envFrom ConfigMap "${from.configMapRef.name}" is not in the manifests`));
        continue;
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) env.set((from.prefix ?? "") + k, { value: v, from: `ConfigMap ${cm.metadata.name}` });
    } else if (from.secretRef) {
      findings.push(finding(workload, "env", `envFrom Secret "${from.secretRef.name}" hides which variables are set; use env with secretKeyRef`));
    }
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      if (!ref.name || !ref.key) findings.push(finding(workload, "env", `${e.name}: secretKeyRef needs name and key`));
      env.set(e.name, { secret: ref, from: `Secret ${ref.name}` });
    } else if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      const cm = findObject(objects, "ConfigMap", ref.name);
      if (!cm || !(ref.key in (cm.data ?? {}))) {
        findings.push(finding(workload, "env", `${e.name}: ConfigMap ${ref.name} key ${ref.key} is not in the manifests`));
      }
      env.set(e.name, { value: cm?.data?.[ref.key], from: `ConfigMap ${ref.name}` });
    } else {
      env.set(e.name, { value: e.value ?? "", from: "env" });
    }
  }
  return env;
}

// --- rules -----------------------------------------------------------------------

function checkNamespaces(objects, findings) {
  const namespaces = new Set();
  for (const o of objects) {
    if (CLUSTER_SCOPED.has(o.kind)) continue;
    if (!o.metadata?.namespace) findings.push(finding(o, "namespace", "has no metadata.namespace (set `namespace:` in the overlay)"));
    else namespaces.add(o.metadata.namespace);
  }
  if (namespaces.size > 1) findings.push(finding("overlay", "namespace", `objects are spread over namespaces ${[...namespaces].join(", ")}`));
  for (const ns of byKind(objects, "Namespace")) {
    if (ns.metadata?.labels?.["pod-security.kubernetes.io/enforce"] !== "restricted") {
      findings.push(finding(ns, "namespace", "must enforce the Pod Security \"restricted\" profile (label pod-security.kubernetes.io/enforce=restricted)"));
    }
  }
}

export function checkImages(workload, findings) {
  for (const c of containersOf(workload)) {
    const image = c.image ?? "";
    if (/@sha256:[0-9a-f]{64}$/.test(image)) continue;
    const lastSegment = image.slice(image.lastIndexOf("/") + 1);
    const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : "";
    if (!tag) findings.push(finding(workload, "image-tag", `container ${c.name}: image "${image}" has no tag (means latest); pin a version or digest`));
    else if (tag === "latest") findings.push(finding(workload, "image-tag", `container ${c.name}: image "${image}" uses the latest tag; pin a version or digest`));
  }
}

export function checkResources(workload, findings) {
  for (const c of containersOf(workload)) {
    for (const kind of ["requests", "limits"]) {
      for (const resource of ["cpu", "memory"]) {
        const value = c.resources?.[kind]?.[resource];
        if (value === undefined) findings.push(finding(workload, "resources", `container ${c.name}: ${kind}.${resource} is not set`));
        else if (Number.isNaN(parseQuantity(value))) findings.push(finding(workload, "resources", `container ${c.name}: ${kind}.${resource}=${value} is not a quantity`));
      }
    }
    for (const resource of ["cpu", "memory"]) {
      const request = parseQuantity(c.resources?.requests?.[resource]);
      const limit = parseQuantity(c.resources?.limits?.[resource]);
      if (request > limit) findings.push(finding(workload, "resources", `container ${c.name}: ${resource} request exceeds its limit`));
    }
  }
}

export function checkSecurityContext(workload, findings) {
  const spec = podSpec(workload);
  const pod = spec.securityContext ?? {};
  for (const host of ["hostNetwork", "hostPID", "hostIPC"]) {
    if (spec[host]) findings.push(finding(workload, "security-context", `${host} must not be set`));
  }
  for (const v of spec.volumes ?? []) {
    if (v.hostPath) findings.push(finding(workload, "security-context", `volume ${v.name}: hostPath volumes are not allowed`));
  }
  for (const c of containersOf(workload)) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.allowPrivilegeEscalation !== false) findings.push(finding(workload, "security-context", `${where}: allowPrivilegeEscalation must be false`));
    if (sc.readOnlyRootFilesystem !== true) findings.push(finding(workload, "security-context", `${where}: readOnlyRootFilesystem must be true`));
    if (sc.privileged === true) findings.push(finding(workload, "security-context", `${where}: must not be privileged`));
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) findings.push(finding(workload, "security-context", `${where}: capabilities.drop must contain ALL`));
    if ((sc.capabilities?.add ?? []).length) findings.push(finding(workload, "security-context", `${where}: capabilities.add must be empty`));
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) findings.push(finding(workload, "security-context", `${where}: runAsNonRoot must be true (pod or container)`));
    if ((sc.runAsUser ?? pod.runAsUser) === 0) findings.push(finding(workload, "security-context", `${where}: runAsUser must not be 0`));
    const seccomp = (sc.seccompProfile ?? pod.seccompProfile)?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") findings.push(finding(workload, "security-context", `${where}: seccompProfile must be RuntimeDefault (pod or container)`));
  }
}

function checkProbes(objects, workload, findings) {
  const spec = podSpec(workload);
  for (const c of spec.containers ?? []) {
    const where = `container ${c.name}`;
    const needed = isCercles(workload) ? ["startupProbe", "readinessProbe", "livenessProbe"] : ["readinessProbe", "livenessProbe"];
    for (const probeName of needed) {
      const probe = c[probeName];
      if (!probe) {
        findings.push(finding(workload, "probes", `${where}: ${probeName} is missing`));
        continue;
      }
      for (const handler of ["httpGet", "tcpSocket", "grpc"]) {
        const port = probe[handler]?.port;
        if (port !== undefined && !containerPort(c, port)) {
          findings.push(finding(workload, "probes", `${where}: ${probeName} probes port ${port}, which the container does not declare`));
        }
      }
      if (!isCercles(workload)) continue;
      // The kubelet's native gRPC probe speaks plaintext: it checks the
      // health-only port (CERCLES_HEALTH_LISTEN), never the TLS port, and no
      // process is started in the pod per probe.
      if (probe.exec) {
        findings.push(finding(workload, "probes", `${where}: ${probeName} must be a native grpc probe on the "health" port, not exec (a process per probe)`));
        continue;
      }
      const healthPort = containerPort(c, "health")?.containerPort;
      if (healthPort === undefined) {
        findings.push(finding(workload, "probes", `${where}: declares no "health" port (CERCLES_HEALTH_LISTEN) for the grpc probes`));
        continue;
      }
      if (!probe.grpc || probe.grpc.port !== healthPort) {
        findings.push(finding(workload, "probes", `${where}: ${probeName} must be grpc on the "health" port ${healthPort} (plaintext, health only), not ${JSON.stringify(probe.grpc ?? probe)}`));
      }
      if (probe.grpc?.service) {
        findings.push(finding(workload, "probes", `${where}: ${probeName} must check the server's overall status (no grpc.service)`));
      }
    }
  }
}

function checkGracefulShutdown(objects, workload, env, container, findings) {
  const where = `container ${container.name}`;
  const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
  let pause = 0;
  if (preStop[0] !== "sleep" || Number.isNaN(Number(preStop[1]))) {
    findings.push(finding(workload, "graceful-shutdown", `${where}: preStop must pause with ["sleep", "N"] so endpoints drain before SIGTERM`));
  } else {
    pause = Number(preStop[1]);
  }
  const graceMs = Number(env.get("CERCLES_SHUTDOWN_GRACE_MS")?.value ?? 10000);
  const period = podSpec(workload).terminationGracePeriodSeconds ?? 30;
  if (period < pause + graceMs / 1000 + 1) {
    findings.push(finding(workload, "graceful-shutdown", `terminationGracePeriodSeconds=${period} is shorter than the preStop pause (${pause}s) + CERCLES_SHUTDOWN_GRACE_MS (${graceMs / 1000}s) + 1s: calls would be killed mid-drain`));
  }
}

function checkEnv(objects, workload, facts, findings) {
  const service = appName(workload);
  const spec = podSpec(workload);
  const container = serviceContainer(workload);
  if (!container) return undefined;
  if ((container.command ?? [])[0] !== `cercles-${service}`) {
    findings.push(finding(workload, "env", `container ${container.name}: command must start cercles-${service}`));
  }
  const env = resolveEnv(objects, workload, container, findings);
  const known = facts.envNames[service];
  for (const [name, entry] of env) {
    if (name.startsWith("CERCLES_") && !known.has(name)) {
      findings.push(finding(workload, "env", `${name} (from ${entry.from}) is not read by cercles-${service}: a typo, or a flag it does not have`));
    }
  }
  for (const name of [...REQUIRED_ENV.common, ...REQUIRED_ENV[service]]) {
    if (!env.has(name)) findings.push(finding(workload, "env", `${name} is not set (required for cercles-${service} in a pod)`));
  }
  const value = (name) => env.get(name)?.value;
  const valueIsTrue = (v) => ["true", "1", "yes"].includes(String(v).toLowerCase());
  for (const [name, portName] of [["CERCLES_LISTEN", "grpc"], ["CERCLES_METRICS_LISTEN", "metrics"],
    ["CERCLES_HEALTH_LISTEN", "health"], ["CERCLES_FEDERATION_LISTEN", "federation"]]) {
    if (value(name) === undefined) continue;
    const hp = hostPort(value(name));
    const declared = containerPort(container, portName)?.containerPort;
    if (!hp) findings.push(finding(workload, "env", `${name}="${value(name)}" is not host:port`));
    else if (!["0.0.0.0", "[::]", ""].includes(hp.host)) findings.push(finding(workload, "env", `${name}="${value(name)}" must listen on all interfaces (0.0.0.0 or [::]) to be reachable in the pod network`));
    else if (hp.port !== declared) findings.push(finding(workload, "env", `${name} port ${hp.port} differs from the container port "${portName}" (${declared})`));
  }
  if (valueIsTrue(value("CERCLES_INSECURE"))) findings.push(finding(workload, "env", "CERCLES_INSECURE must not be true: the pods serve TLS"));
  for (const name of FILE_ENV) {
    const file = value(name);
    if (file === undefined) continue;
    const found = mountFor(container, spec, file);
    if (!found) findings.push(finding(workload, "env", `${name}=${file} is on no mounted volume`));
    else if (!found.volume?.secret && name !== "CERCLES_TLS_CA") findings.push(finding(workload, "env", `${name}=${file} must come from a Secret volume`));
  }
  if (value("CERCLES_FUND_ID") !== undefined && !/^[a-z][a-z0-9-]{0,62}$/.test(value("CERCLES_FUND_ID"))) {
    findings.push(finding(workload, "env", `CERCLES_FUND_ID="${value("CERCLES_FUND_ID")}" must match [a-z][a-z0-9-]{0,62}`));
  }
  const trusted = value("CERCLES_TRUSTED_SERVICES");
  if (trusted !== undefined) {
    const names = trusted.split(",").map((s) => s.trim()).filter(Boolean);
    for (const s of SERVICES) {
      if (!names.includes(s)) findings.push(finding(workload, "env", `CERCLES_TRUSTED_SERVICES must list ${s} (the certificate CNs of this deployment)`));
    }
  }
  const database = env.get("CERCLES_DATABASE_URL");
  if (database?.value !== undefined) {
    const url = database.value;
    if (url.startsWith("sqlite://")) {
      const file = url.slice("sqlite://".length);
      const found = file.startsWith("/") ? mountFor(container, spec, file) : undefined;
      if (!found?.volume?.persistentVolumeClaim) {
        findings.push(finding(workload, "storage", `CERCLES_DATABASE_URL=${url}: the SQLite file must be on a PersistentVolumeClaim volume (data would be lost with the pod)`));
      } else if (!findObject(objects, "PersistentVolumeClaim", found.volume.persistentVolumeClaim.claimName)) {
        findings.push(finding(workload, "storage", `PersistentVolumeClaim ${found.volume.persistentVolumeClaim.claimName} is not in the manifests`));
      }
      if (effectiveReplicas(objects, workload) !== 1 || hpaFor(objects, workload)) {
        findings.push(finding(workload, "storage", "SQLite: exactly one replica and no HorizontalPodAutoscaler (one process owns the file)"));
      }
      if (workload.spec?.strategy?.type !== "Recreate") {
        findings.push(finding(workload, "storage", "SQLite: strategy must be Recreate (a rolling update would open the file from two pods)"));
      }
    } else if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
      if (/^postgres(?:ql)?:\/\/[^/@]*:[^/@]*@/.test(url)) {
        findings.push(finding(workload, "env", `CERCLES_DATABASE_URL carries a password in ${database.from}; take it from a Secret (valueFrom.secretKeyRef)`));
      }
    } else {
      findings.push(finding(workload, "env", `CERCLES_DATABASE_URL="${url}" must be sqlite:///path or postgresql://...`));
    }
  }
  // The sibling services a workload calls: each address must be that service's
  // Service and grpc port.
  for (const [variable, target] of [["CERCLES_MEMBERSHIP_ADDRESS", "membership"], ["CERCLES_LENDING_ADDRESS", "lending"]]) {
    const address = value(variable);
    if (address === undefined) continue;
    const hp = hostPort(address);
    const svc = hp && findObject(objects, "Service", hp.host.split(".")[0]);
    const grpc = svc?.spec?.ports?.find((p) => p.name === "grpc");
    const deployment = byKind(objects, "Deployment").find((d) => appName(d) === target);
    if (!hp || !svc) findings.push(finding(workload, "env", `${variable}="${address}" must be <${target} Service>:<grpc port>`));
    else if (!deployment || !labelsMatch({ matchLabels: svc.spec.selector }, deployment.spec.template.metadata.labels)) findings.push(finding(workload, "env", `${variable}: Service ${svc.metadata.name} does not select the ${target} pods`));
    else if (grpc?.port !== hp.port) findings.push(finding(workload, "env", `${variable} port ${hp.port} is not Service ${svc.metadata.name}'s grpc port (${grpc?.port})`));
  }
  const redis = value("CERCLES_REDIS_URL");
  if (redis !== undefined) {
    const m = /^redis:\/\/([^:/]+):(\d+)\/?$/.exec(redis);
    if (!m) findings.push(finding(workload, "env", `CERCLES_REDIS_URL="${redis}" must be redis://host:port`));
    else {
      const svc = findObject(objects, "Service", m[1]);
      if (svc && !(svc.spec.ports ?? []).some((p) => p.port === Number(m[2]))) {
        findings.push(finding(workload, "env", `CERCLES_REDIS_URL: Service ${m[1]} has no port ${m[2]}`));
      }
    }
  }
  return env;
}

function checkServiceAndAccount(objects, workload, findings) {
  const spec = podSpec(workload);
  const labels = workload.spec?.template?.metadata?.labels ?? {};
  if (!labelsMatch(workload.spec?.selector, labels)) findings.push(finding(workload, "service", "spec.selector does not match the pod template's labels"));
  const account = spec.serviceAccountName;
  const sa = account && findObject(objects, "ServiceAccount", account);
  if (!sa) findings.push(finding(workload, "service-account", `serviceAccountName "${account ?? ""}" must name a ServiceAccount of the manifests (not default)`));
  if ((spec.automountServiceAccountToken ?? sa?.automountServiceAccountToken) !== false) {
    findings.push(finding(workload, "service-account", "automountServiceAccountToken must be false: the pods never call the Kubernetes API"));
  }
  const container = serviceContainer(workload);
  const services = byKind(objects, "Service").filter((s) => s.spec?.selector && labelsMatch({ matchLabels: s.spec.selector }, labels));
  if (!services.length) {
    findings.push(finding(workload, "service", "no Service selects its pods"));
    return;
  }
  const wanted = isCercles(workload)
    ? ["grpc", "metrics", ...(EXTRA_SERVICE_PORTS[appName(workload)] ?? [])]
    : (container?.ports ?? []).map((p) => p.name);
  for (const portName of wanted) {
    const svcPort = services.flatMap((s) => s.spec.ports ?? []).find((p) => p.name === portName);
    if (!svcPort) findings.push(finding(workload, "service", `no Service port named "${portName}"`));
    else if (!containerPort(container, svcPort.targetPort ?? svcPort.port)) findings.push(finding(workload, "service", `Service port "${portName}" targets ${svcPort.targetPort}, which the container does not declare`));
  }
}

function checkDisruptionBudget(objects, workload, findings) {
  const labels = workload.spec?.template?.metadata?.labels ?? {};
  const pdbs = byKind(objects, "PodDisruptionBudget").filter((p) => labelsMatch(p.spec?.selector, labels));
  if (pdbs.length !== 1) {
    findings.push(finding(workload, "pdb", pdbs.length ? `${pdbs.length} PodDisruptionBudgets select its pods (one expected)` : "no PodDisruptionBudget selects its pods"));
    return;
  }
  const pdb = pdbs[0];
  const replicas = effectiveReplicas(objects, workload);
  const { minAvailable, maxUnavailable } = pdb.spec;
  if (typeof minAvailable === "string" || typeof maxUnavailable === "string") return; // percentages: fine either way
  const allowedDown = maxUnavailable !== undefined ? maxUnavailable : replicas - (minAvailable ?? 0);
  if (replicas >= 2 && replicas - allowedDown < 1) {
    findings.push(finding(pdb, "pdb", `lets every one of the ${replicas} pods of ${workload.metadata.name} go at once; keep one available`));
  }
  if (allowedDown < 1) {
    findings.push(finding(pdb, "pdb", `allows no eviction of ${workload.metadata.name} (${replicas} replica${replicas > 1 ? "s" : ""}): node drains would block`));
  }
}

function checkAutoscalers(objects, findings) {
  for (const hpa of byKind(objects, "HorizontalPodAutoscaler")) {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const target = objects.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name);
    if (!target) {
      findings.push(finding(hpa, "hpa", `scales ${ref.kind}/${ref.name}, which is not in the manifests`));
      continue;
    }
    if (target.spec?.replicas !== undefined) {
      findings.push(finding(target, "hpa", `sets spec.replicas while HorizontalPodAutoscaler ${hpa.metadata.name} owns it (each apply would reset the scale)`));
    }
    if ((hpa.spec.minReplicas ?? 1) > hpa.spec.maxReplicas) findings.push(finding(hpa, "hpa", "minReplicas exceeds maxReplicas"));
  }
}

function selectsPod(policy, labels) {
  const selector = policy.spec?.podSelector;
  return isEmptySelector(selector) || labelsMatch(selector, labels);
}

function describePeer(peer) {
  const keys = Object.keys(peer);
  if (keys.length === 1 && peer.podSelector) {
    const ml = peer.podSelector.matchLabels ?? {};
    if (!(peer.podSelector.matchExpressions ?? []).length && Object.keys(ml).length === 1) {
      if (ml["app.kubernetes.io/name"]) return `pod:${ml["app.kubernetes.io/name"]}`;
      if (ml["cercles/staff-client"] === "true") return "staff-client";
    }
  }
  if (keys.length === 1 && peer.namespaceSelector) {
    const ml = peer.namespaceSelector.matchLabels ?? {};
    if (!(peer.namespaceSelector.matchExpressions ?? []).length && Object.keys(ml).length === 1 && ml["kubernetes.io/metadata.name"]) {
      return `namespace:${ml["kubernetes.io/metadata.name"]}`;
    }
  }
  return `other:${JSON.stringify(peer)}`;
}

function checkNetworkPolicies(objects, findings) {
  const policies = byKind(objects, "NetworkPolicy");
  const denyAll = policies.find((p) => isEmptySelector(p.spec?.podSelector) &&
    (p.spec?.policyTypes ?? []).includes("Ingress") && !(p.spec?.ingress ?? []).length);
  if (!denyAll) findings.push(finding("overlay", "network-policy", "no default-deny ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules)"));
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
  for (const workload of workloads) {
    const name = appName(workload);
    const labels = workload.spec?.template?.metadata?.labels ?? {};
    const container = serviceContainer(workload);
    const portName = (port) => (typeof port === "number" ? containerPort(container, port)?.name ?? String(port) : port);
    const allowed = new Map(); // "port source" -> policy
    for (const policy of policies) {
      if (!selectsPod(policy, labels) || !(policy.spec?.policyTypes ?? ["Ingress"]).includes("Ingress")) continue;
      for (const rule of policy.spec?.ingress ?? []) {
        const ports = rule.ports?.length ? rule.ports.map((p) => portName(p.port)) : ["*"];
        const sources = rule.from?.length ? rule.from.map(describePeer) : ["any"];
        for (const port of ports) {
          if (port !== "*" && !containerPort(container, port)) {
            findings.push(finding(policy, "network-policy", `allows port ${port}, which ${workload.metadata.name} does not declare`));
          }
          for (const source of sources) allowed.set(`${port} ${source}`, policy);
        }
      }
    }
    const expected = EXPECTED_INGRESS[name] ?? {};
    const expectedKeys = new Set(Object.entries(expected).flatMap(([port, sources]) => sources.map((s) => `${port} ${s}`)));
    for (const [key, policy] of allowed) {
      if (!expectedKeys.has(key)) {
        const [port, source] = key.split(" ");
        findings.push(finding(policy, "network-policy", `allows ${source} -> ${workload.metadata.name}:${port}, a call the architecture does not make`));
      }
    }
    for (const key of expectedKeys) {
      if (!allowed.has(key)) {
        const [port, source] = key.split(" ");
        findings.push(finding(workload, "network-policy", `ingress ${source} -> ${name}:${port} is needed but no NetworkPolicy allows it`));
      }
    }
  }
}

function checkCertificates(objects, findings) {
  const certificates = byKind(objects, "Certificate");
  if (!certificates.length) return;
  const issuers = [...byKind(objects, "Issuer"), ...byKind(objects, "ClusterIssuer")];
  for (const cert of certificates) {
    const ref = cert.spec?.issuerRef ?? {};
    if (!issuers.some((i) => i.metadata.name === ref.name && i.kind === (ref.kind ?? "Issuer"))) {
      findings.push(finding(cert, "certificates", `issuerRef ${ref.kind ?? "Issuer"}/${ref.name} is not in the manifests`));
    }
  }
  for (const workload of byKind(objects, "Deployment").filter(isCercles)) {
    const service = appName(workload);
    const container = serviceContainer(workload);
    const spec = podSpec(workload);
    const tls = mountFor(container, spec, "/etc/cercles/tls/tls.crt");
    const secretName = tls?.volume?.secret?.secretName;
    const cert = certificates.find((c) => c.spec?.secretName === secretName);
    if (!cert) {
      findings.push(finding(workload, "certificates", `no Certificate issues the Secret ${secretName} it mounts`));
      continue;
    }
    if (cert.spec.commonName !== service) findings.push(finding(cert, "certificates", `commonName must be "${service}": the services know each other by CN (CERCLES_TRUSTED_SERVICES)`));
    if (!(cert.spec.dnsNames ?? []).includes(service)) findings.push(finding(cert, "certificates", `dnsNames must include "${service}" (the TLS name clients check)`));
    for (const usage of ["server auth", "client auth"]) {
      if (!(cert.spec.usages ?? []).includes(usage)) findings.push(finding(cert, "certificates", `usages must include "${usage}": each service serves and calls with one certificate`));
    }
  }
}

// Stand-alone Pods (deploy/k8s/operations): the hardening rules of workloads.
export function checkPods(objects) {
  const findings = [];
  for (const pod of byKind(objects, "Pod")) {
    const workload = { kind: "Pod", metadata: pod.metadata, spec: { template: { metadata: pod.metadata, spec: pod.spec } } };
    Object.defineProperty(workload, "__source", { value: pod.__source, enumerable: false });
    checkImages(workload, findings);
    checkResources(workload, findings);
    checkSecurityContext(workload, findings);
    if (pod.spec?.automountServiceAccountToken !== false) findings.push(finding(pod, "service-account", "automountServiceAccountToken must be false"));
  }
  return findings;
}

// Runs every rule on one rendered overlay.
export function checkPolicy(objects, facts, options = {}) {
  const findings = [];
  checkNamespaces(objects, findings);
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
  for (const workload of workloads) {
    checkImages(workload, findings);
    checkResources(workload, findings);
    checkSecurityContext(workload, findings);
    checkProbes(objects, workload, findings);
    checkServiceAndAccount(objects, workload, findings);
    checkDisruptionBudget(objects, workload, findings);
    if (isCercles(workload)) {
      const env = checkEnv(objects, workload, facts, findings);
      if (env) checkGracefulShutdown(objects, workload, env, serviceContainer(workload), findings);
      if (options.minReplicas && effectiveReplicas(objects, workload) < options.minReplicas) {
        findings.push(finding(workload, "replicas", `runs ${effectiveReplicas(objects, workload)} replica(s); this overlay needs at least ${options.minReplicas}`));
      }
    }
  }
  for (const service of SERVICES) {
    if (!byKind(objects, "Deployment").some((d) => appName(d) === service)) {
      findings.push(finding("overlay", "services", `no Deployment runs ${service}`));
    }
  }
  checkAutoscalers(objects, findings);
  checkNetworkPolicies(objects, findings);
  checkCertificates(objects, findings);
  checkJobs(objects, findings);
  return findings;
}
