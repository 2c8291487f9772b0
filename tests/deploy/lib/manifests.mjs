// Rendered manifests: parsing `kubectl kustomize` output and naming objects.
import fs from "node:fs";
import { parseAllDocuments } from "yaml";

// "single-fund: Deployment/membership" — how every finding names an object.
export function objectId(object) {
  const kind = object?.kind ?? "(no kind)";
  const name = object?.metadata?.name ?? "(no name)";
  return object?.__source ? `${object.__source}: ${kind}/${name}` : `${kind}/${name}`;
}

// Parses a multi-document YAML file; each object remembers where it came
// from (a hidden __source property, removed before schema validation).
export function loadRendered(file, source) {
  const text = fs.readFileSync(file, "utf8");
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${source}: YAML error: ${doc.errors[0].message}`);
    const object = doc.toJS();
    if (object == null) continue;
    Object.defineProperty(object, "__source", { value: source, enumerable: false, writable: true });
    objects.push(object);
  }
  return objects;
}

// A deep copy that keeps __source (for the self-test's mutations).
export function cloneObjects(objects) {
  return objects.map((object) => {
    const copy = structuredClone(object);
    Object.defineProperty(copy, "__source", { value: object.__source, enumerable: false, writable: true });
    return copy;
  });
}

export function findObject(objects, kind, name) {
  return objects.find((o) => o.kind === kind && o.metadata?.name === name);
}

export function byKind(objects, kind) {
  return objects.filter((o) => o.kind === kind);
}

// A finding: which object broke which rule, and how.
export function finding(object, rule, message) {
  return { object: typeof object === "string" ? object : objectId(object), rule, message };
}

export function formatFinding(f) {
  return `${f.object}: [${f.rule}] ${f.message}`;
}
