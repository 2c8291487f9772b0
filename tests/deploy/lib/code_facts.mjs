// Facts read from the C++ sources, so that the manifests are checked against
// what the binaries really accept and export rather than against a copy.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const SERVICES = ["membership", "lending", "network"];

function read(relative) {
  return fs.readFileSync(path.join(REPO_ROOT, relative), "utf8");
}

function flagsDefinedIn(relative) {
  const names = new Set();
  for (const match of read(relative).matchAll(/ABSL_FLAG\(\s*[\w:<>]+\s*,\s*(\w+)\s*,/g)) {
    names.add(match[1]);
  }
  return names;
}

// "membership_address" -> "CERCLES_MEMBERSHIP_ADDRESS" (common/config/config.cc).
export function envNameFor(flag) {
  return `CERCLES_${flag.replaceAll("-", "_").toUpperCase()}`;
}

// The CERCLES_* variables each service's binary reads: its own flags
// (services/<name>/main.cc, and services/<name>/flags.cc where a service keeps
// them apart) and the shared ones (common/server/server_flags.cc).
export function serviceEnvNames() {
  const common = flagsDefinedIn("common/server/server_flags.cc");
  const result = {};
  for (const service of SERVICES) {
    const own = new Set(
      [`services/${service}/main.cc`, `services/${service}/flags.cc`]
        .filter((relative) => fs.existsSync(path.join(REPO_ROOT, relative)))
        .flatMap((relative) => [...flagsDefinedIn(relative)]),
    );
    result[service] = new Set([...common, ...own].map(envNameFor));
  }
  return result;
}

// Metric families the code registers ("cercles_...", "process_..." and the
// go-grpc-prometheus "grpc_server_..." / "grpc_client_..." names).
export function exportedMetrics() {
  const names = new Set();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (/\.(cc|h)$/.test(entry.name)) {
        for (const m of read(relative).matchAll(/"((?:cercles|process|grpc_server|grpc_client)_[a-z0-9_]+)"/g)) names.add(m[1]);
      }
    }
  };
  walk("common");
  walk("services");
  return names;
}

// The release's version: CMakeLists.txt's project(cercles VERSION x.y.z), the
// one place it is written.
export function projectVersion() {
  const m = /project\(cercles VERSION ([0-9.]+)/.exec(read("CMakeLists.txt"));
  return m ? m[1] : undefined;
}
