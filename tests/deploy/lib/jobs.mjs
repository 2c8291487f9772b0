// The release pieces of an overlay: the image by the release's version, the
// migrate Job of each service (its Deployment waits for it), and the backup
// CronJob of each service for the engine the overlay uses (deploy/README.md,
// "Upgrades and rollbacks" and "Backup and restore").
import { SERVICES, projectVersion } from "./code_facts.mjs";
import { byKind, finding, findObject } from "./manifests.mjs";
import { checkImages, checkResources, checkSecurityContext } from "./policy.mjs";

const appOf = (o) => o.spec?.template?.metadata?.labels?.["app.kubernetes.io/name"];
const podSpecOf = (o) => o.spec?.template?.spec ?? {};

// A CronJob's pod template seen as a workload (the hardening rules take that).
function asWorkload(object) {
  if (object.kind !== "CronJob") return object;
  const workload = { kind: object.kind, metadata: object.metadata, spec: { template: object.spec?.jobTemplate?.spec?.template } };
  Object.defineProperty(workload, "__source", { value: object.__source, enumerable: false });
  return workload;
}

// Where a container's `name` variable comes from: { secret, key } | { configMap, key, value } | { value }.
function envSource(objects, container, name) {
  for (const e of container.env ?? []) {
    if (e.name !== name) continue;
    if (e.valueFrom?.secretKeyRef) return { secret: e.valueFrom.secretKeyRef.name, key: e.valueFrom.secretKeyRef.key };
    if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      return { configMap: ref.name, key: ref.key, value: findObject(objects, "ConfigMap", ref.name)?.data?.[ref.key] };
    }
    return { value: e.value ?? "" };
  }
  for (const from of container.envFrom ?? []) {
    const cm = from.configMapRef && findObject(objects, "ConfigMap", from.configMapRef.name);
    if (cm && name in (cm.data ?? {})) return { configMap: cm.metadata.name, key: name, value: cm.data[name] };
  }
  return undefined;
}

const describeSource = (s) => (s === undefined ? "unset" : s.secret ? `Secret ${s.secret} key ${s.key}` : s.configMap ? `ConfigMap ${s.configMap} (${s.value})` : `"${s.value}"`);
const sameValue = (a, b) => a !== undefined && b !== undefined && (a.secret ? a.secret === b.secret && a.key === b.key : !b.secret && a.value === b.value);

// The PersistentVolumeClaim mounted at the longest prefix of `file`.
function claimFor(workload, container, file) {
  const mounts = (container.volumeMounts ?? []).filter((m) => file === m.mountPath || file.startsWith(m.mountPath.replace(/\/?$/, "/")));
  mounts.sort((a, b) => b.mountPath.length - a.mountPath.length);
  const volume = mounts[0] && (podSpecOf(workload).volumes ?? []).find((v) => v.name === mounts[0].name);
  return volume?.persistentVolumeClaim?.claimName;
}

function minutesOfDay(schedule) {
  const m = /^(\d+) (\d+) \* \* \*$/.exec(schedule ?? "");
  return m ? Number(m[2]) * 60 + Number(m[1]) : undefined;
}

function checkHardening(objects, object, findings) {
  const workload = asWorkload(object);
  checkImages(workload, findings);
  checkResources(workload, findings);
  checkSecurityContext(workload, findings);
  if (podSpecOf(workload).automountServiceAccountToken !== false) findings.push(finding(object, "service-account", "automountServiceAccountToken must be false"));
}

export function checkJobs(objects, findings) {
  const version = projectVersion();
  for (const object of objects.filter((o) => ["Deployment", "Job", "CronJob"].includes(o.kind))) {
    for (const c of podSpecOf(asWorkload(object)).containers ?? []) {
      const m = /^(?:.*\/)?cercles(?::([^@]+))?(?:@(sha256:[0-9a-f]{64}))?$/.exec(c.image ?? "");
      if (m && m[1] !== undefined && m[1] !== version) {
        findings.push(finding(object, "image-version", `container ${c.name}: image "${c.image}" is not the release's version ${version} (CMakeLists.txt)`));
      }
    }
  }
  for (const object of [...byKind(objects, "Job"), ...byKind(objects, "CronJob")]) checkHardening(objects, object, findings);

  const backupTimes = {};
  for (const service of SERVICES) {
    const deployment = byKind(objects, "Deployment").find((d) => appOf(d) === service);
    const container = deployment && (podSpecOf(deployment).containers ?? []).find((c) => c.name === service);
    if (!container) continue;
    const database = envSource(objects, container, "CERCLES_DATABASE_URL");
    const sqliteFile = database?.value?.startsWith("sqlite://") ? database.value.slice("sqlite://".length) : undefined;

    // The migrate Job: the service's binary with --migrate_only on the same
    // database; the Deployment waits for it rather than migrating.
    const job = findObject(objects, "Job", `${service}-migrate`);
    if (!job) {
      findings.push(finding(deployment, "migrate", `no Job ${service}-migrate runs cercles-${service} --migrate_only`));
    } else {
      const jc = podSpecOf(job).containers?.[0] ?? {};
      if (JSON.stringify(jc.command) !== JSON.stringify([`cercles-${service}`, "--migrate_only"])) {
        findings.push(finding(job, "migrate", `command must be ["cercles-${service}", "--migrate_only"], is ${JSON.stringify(jc.command)}`));
      }
      const jobDatabase = envSource(objects, jc, "CERCLES_DATABASE_URL");
      if (!sameValue(database, jobDatabase)) {
        findings.push(finding(job, "migrate", `CERCLES_DATABASE_URL (${describeSource(jobDatabase)}) is not Deployment/${service}'s (${describeSource(database)})`));
      }
      if (sqliteFile && claimFor(job, jc, sqliteFile) !== claimFor(deployment, container, sqliteFile)) {
        findings.push(finding(job, "migrate", `${sqliteFile} must be on Deployment/${service}'s volume (claim ${claimFor(deployment, container, sqliteFile)})`));
      }
      const wait = envSource(objects, container, "CERCLES_WAIT_FOR_SCHEMA")?.value;
      if (!["true", "1", "yes"].includes(String(wait).toLowerCase())) {
        findings.push(finding(deployment, "migrate", `CERCLES_WAIT_FOR_SCHEMA must be true: the pods wait for Job/${service}-migrate instead of migrating themselves`));
      }
    }

    // The backup CronJob: SQLite's online backup through the binary, or pg_dump.
    const cron = findObject(objects, "CronJob", `${service}-backup`);
    if (!cron) {
      findings.push(finding(deployment, "backup", `no CronJob ${service}-backup backs up its database`));
      continue;
    }
    const pod = asWorkload(cron);
    const bc = podSpecOf(pod).containers?.[0] ?? {};
    const script = (bc.command ?? []).join(" ") + " " + (bc.args ?? []).join(" ");
    if (cron.spec?.concurrencyPolicy !== "Forbid") findings.push(finding(cron, "backup", "concurrencyPolicy must be Forbid (two backups of one database at once)"));
    const dir = envSource(objects, bc, "BACKUP_DIR")?.value;
    const dirClaim = dir && claimFor(pod, bc, dir);
    if (!dirClaim) findings.push(finding(cron, "backup", `BACKUP_DIR (${dir}) must be on a PersistentVolumeClaim volume`));
    else if (!findObject(objects, "PersistentVolumeClaim", dirClaim)) findings.push(finding(cron, "backup", `PersistentVolumeClaim ${dirClaim} is not in the manifests`));
    if (sqliteFile) {
      if (!script.includes(`cercles-${service} --backup_to=`)) findings.push(finding(cron, "backup", `SQLite: must run cercles-${service} --backup_to= (the online backup API)`));
      if (!sameValue(database, envSource(objects, bc, "CERCLES_DATABASE_URL"))) findings.push(finding(cron, "backup", `CERCLES_DATABASE_URL is not Deployment/${service}'s (${describeSource(database)})`));
      if (claimFor(pod, bc, sqliteFile) !== claimFor(deployment, container, sqliteFile)) findings.push(finding(cron, "backup", `${sqliteFile} must be on Deployment/${service}'s volume`));
      if (dirClaim && dirClaim === claimFor(deployment, container, sqliteFile)) findings.push(finding(cron, "backup", "the backups must not be on the database's own volume"));
    } else if (database?.secret) {
      if (!/\bpg_dump\b/.test(script)) findings.push(finding(cron, "backup", "PostgreSQL: must run pg_dump"));
      if (!sameValue(database, envSource(objects, bc, "DATABASE_URL"))) findings.push(finding(cron, "backup", `DATABASE_URL must be Deployment/${service}'s (${describeSource(database)})`));
    }
    backupTimes[service] = { cron, at: minutesOfDay(cron.spec?.schedule) };
  }
  const [network, membership] = [backupTimes.network, backupTimes.membership];
  if (network && membership && !(network.at < membership.at)) {
    findings.push(finding(membership.cron, "backup", "network must be backed up before membership (daily \"M H * * *\" schedules): a restored network is never ahead of a restored membership"));
  }
}
