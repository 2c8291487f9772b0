// Schema validation of rendered objects, offline:
//  1. kubernetes-models' validators (the Kubernetes OpenAPI schemas, and the
//     cert-manager and Prometheus Operator CRDs' schemas): types, required fields, enums, formats;
//  2. TypeScript's excess-property check against the same models' type
//     declarations: unknown fields (a misspelt `readinessProbes` that the API
//     server would drop or refuse) — the JSON schemas allow any extra field.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { finding } from "./manifests.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE_DIR = path.resolve(HERE, "..");

// apiVersion -> the module holding its kinds.
function moduleFor(apiVersion) {
  if (apiVersion === "cert-manager.io/v1" || apiVersion === "acme.cert-manager.io/v1") {
    return `@kubernetes-models/cert-manager/${apiVersion}`;
  }
  if (apiVersion === "monitoring.coreos.com/v1") {
    return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  }
  return `kubernetes-models/${apiVersion}`;
}

async function modelClass(apiVersion, kind) {
  try {
    const module = await import(`${moduleFor(apiVersion)}/${kind}`);
    return module[kind];
  } catch {
    return undefined;
  }
}

function withoutSource(object) {
  return JSON.parse(JSON.stringify(object));
}

export async function validateWithModels(objects) {
  const findings = [];
  for (const object of objects) {
    if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
      findings.push(finding(object, "schema", "apiVersion and kind are required"));
      continue;
    }
    const Model = await modelClass(object.apiVersion, object.kind);
    if (Model === undefined) {
      findings.push(finding(object, "schema", `no schema for ${object.apiVersion} ${object.kind}`));
      continue;
    }
    try {
      new Model(withoutSource(object)).validate();
    } catch (error) {
      findings.push(finding(object, "schema", String(error.message ?? error).replace(/\s+/g, " ")));
    }
  }
  return findings;
}

// Writes `value` as a TypeScript literal, one property per line, recording
// the JSON path each line starts so that diagnostics can name the field.
function emitLiteral(value, pathSoFar, lines, indent) {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    lines.push({ text: "[", path: pathSoFar });
    value.forEach((item, i) => {
      const itemPath = `${pathSoFar}[${i}]`;
      const start = lines.length;
      emitLiteral(item, itemPath, lines, indent + 1);
      lines[start].text = pad + " " + lines[start].text;
      lines[lines.length - 1].text += ",";
    });
    lines.push({ text: pad + "]", path: pathSoFar });
  } else if (value !== null && typeof value === "object") {
    lines.push({ text: "{", path: pathSoFar });
    for (const [key, item] of Object.entries(value)) {
      const itemPath = pathSoFar ? `${pathSoFar}.${key}` : key;
      const start = lines.length;
      emitLiteral(item, itemPath, lines, indent + 1);
      lines[start].text = `${pad} ${JSON.stringify(key)}: ${lines[start].text}`;
      lines[lines.length - 1].text += ",";
    }
    lines.push({ text: pad + "}", path: pathSoFar });
  } else {
    lines.push({ text: JSON.stringify(value), path: pathSoFar });
  }
}

export async function checkUnknownFields(objects) {
  const findings = [];
  const lines = [];
  const imports = new Map();
  const owners = []; // line index -> object
  objects.forEach((object, i) => {
    if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") return;
    const module = `${moduleFor(object.apiVersion)}/${object.kind}`;
    const alias = `T${imports.size}`;
    if (!imports.has(module)) imports.set(module, alias);
    const body = [];
    emitLiteral(withoutSource(object), "", body, 0);
    body[0].text = `export const o${i}: ${imports.get(module)} = ${body[0].text}`;
    body[body.length - 1].text += ";";
    for (const line of body) {
      lines.push(line);
      owners[lines.length - 1] = object;
    }
  });
  const header = [...imports].map(([module, alias]) => {
    const kind = module.slice(module.lastIndexOf("/") + 1);
    return `import type { I${kind} as ${alias} } from ${JSON.stringify(module)};`;
  });
  // Inside node_modules so that the models resolve; removed afterwards.
  const cacheDir = path.join(PACKAGE_DIR, "node_modules", ".cache");
  fs.mkdirSync(cacheDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(cacheDir, "cercles-schema-"));
  const file = path.join(dir, "objects.ts");
  try {
    fs.writeFileSync(file, [...header, ...lines.map((l) => l.text)].join("\n") + "\n");
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
    });
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
      if (!diagnostic.file || diagnostic.file.fileName !== file) {
        findings.push(finding("schema checker", "schema", message));
        continue;
      }
      const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line - header.length;
      const object = owners[line];
      const where = lines[line]?.path || "(object)";
      if (object === undefined) {
        findings.push(finding("schema checker", "schema", message));
      } else {
        // TS2353/TS2561: an excess property, i.e. a field the schema does not have.
        const excess = diagnostic.code === 2353 || diagnostic.code === 2561;
        const unknown = /and '"?([^'"]+)"?' does not exist in type '(\w+)'/.exec(message);
        const text = excess && unknown ? `unknown field "${unknown[1]}" (not in ${unknown[2]})` : message;
        findings.push({ ...finding(object, "schema", `${where}: ${text}`), excess });
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return findings;
}

// Both checks; TypeScript's other complaints (types, required fields) repeat
// the validators' and are kept only for objects the validators passed.
export async function validateSchemas(objects) {
  const fromModels = await validateWithModels(objects);
  const flagged = new Set(fromModels.map((f) => f.object));
  const fromTypes = (await checkUnknownFields(objects)).filter(
    (f) => f.excess || !flagged.has(f.object),
  );
  return [...fromModels, ...fromTypes.map(({ excess, ...f }) => f)];
}
