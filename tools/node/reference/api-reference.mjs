#!/usr/bin/env node
// Writes the Markdown API reference of the Cercles protos from a
// FileDescriptorSet with source info (scripts/api-reference builds it with buf):
// one page per package (docs/api/<package>.md) and an index (docs/api/README.md).
// Every service, RPC (streaming, access policy, comment), message, field (type,
// label, google.api.field_behavior, sensitive, comment) and enum (values,
// comments). Deterministic: the same protos give the same bytes.
//
//   node tools/node/reference/api-reference.mjs DESCRIPTORS.binpb OUT_DIR
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { createFileRegistry, fromBinary, getExtension, hasExtension, ScalarType } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { getComments } from "@bufbuild/protoplugin";

const [descriptors, out] = process.argv.slice(2);
if (!descriptors || !out) {
  process.stderr.write("usage: api-reference.mjs DESCRIPTORS.binpb OUT_DIR\n");
  process.exit(2);
}
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(descriptors)));
const accessPolicy = registry.getExtension("cercles.common.v1.access_policy");
const sensitive = registry.getExtension("cercles.common.v1.sensitive");
const fieldBehavior = registry.getExtension("google.api.field_behavior");
const roleEnum = registry.getEnum("cercles.common.v1.Role");
const behaviorEnum = registry.getEnum("google.api.FieldBehavior");

// Only Cercles' own packages are documented; google/* are vendored or well known.
const files = [...registry.files].filter((f) => f.proto.package.startsWith("cercles.") && !f.proto.package.startsWith("cercles.bench."));
const packages = [...new Set(files.map((f) => f.proto.package))].sort();

const anchor = (typeName) => typeName.toLowerCase().replace(/[^a-z0-9]/g, "-");
function link(desc) {
  const pkg = desc.file.proto.package;
  if (!pkg.startsWith("cercles.")) return `\`${desc.typeName}\``;
  return `[\`${desc.typeName}\`](${pkg}.md#${anchor(desc.typeName)})`;
}
const text = (comment) => (comment ?? "").trim().replace(/\n /g, "\n").replace(/\|/g, "\\|");
const cell = (comment) => text(comment).replace(/\n+/g, " ");
function comment(desc) {
  return text(getComments(desc).leading);
}

function fieldType(field) {
  let type;
  switch (field.fieldKind) {
    case "scalar":
      type = `\`${ScalarType[field.scalar].toLowerCase()}\``;
      break;
    case "enum":
      type = link(field.enum);
      break;
    case "message":
      type = link(field.message);
      break;
    case "list":
      type = `repeated ${field.listKind === "scalar" ? `\`${ScalarType[field.scalar].toLowerCase()}\`` : link(field.listKind === "enum" ? field.enum : field.message)}`;
      break;
    case "map": {
      const value = field.mapKind === "scalar" ? `\`${ScalarType[field.scalar].toLowerCase()}\`` : link(field.mapKind === "enum" ? field.enum : field.message);
      type = `map<\`${ScalarType[field.mapKey].toLowerCase()}\`, ${value}>`;
      break;
    }
  }
  if (field.proto.proto3Optional) type = `optional ${type}`;
  if (field.oneof) type += ` (oneof \`${field.oneof.name}\`)`;
  return type;
}

function behaviors(field) {
  const options = field.proto.options;
  const marks = [];
  if (options && hasExtension(options, fieldBehavior)) {
    for (const b of getExtension(options, fieldBehavior)) marks.push(behaviorEnum.value[b]?.name ?? String(b));
  }
  if (options && hasExtension(options, sensitive) && getExtension(options, sensitive)) marks.push("sensitive");
  return marks.join(", ");
}

function policy(method) {
  const options = method.proto.options;
  if (!options || !hasExtension(options, accessPolicy)) return "none declared";
  const p = getExtension(options, accessPolicy);
  const parts = [];
  if (p.allowedRoles.length) parts.push(`roles: ${p.allowedRoles.map((r) => roleEnum.value[r]?.name ?? r).join(", ")}`);
  if (p.services.length) parts.push(`services: ${p.services.join(", ")}`);
  if (p.allowUnauthenticated) parts.push("unauthenticated allowed");
  return parts.length ? parts.join("; ") : "nobody";
}

function message(lines, m, level) {
  lines.push(`${"#".repeat(level)} ${m.typeName}`, "", `<a id="${anchor(m.typeName)}"></a>`, "");
  const c = comment(m);
  if (c) lines.push(c, "");
  if (m.fields.length) {
    lines.push("| Field | Number | Type | Behavior | Description |", "|---|---|---|---|---|");
    for (const f of m.fields) {
      lines.push(`| \`${f.name}\` | ${f.number} | ${fieldType(f)} | ${behaviors(f)} | ${cell(getComments(f).leading)} |`);
    }
    lines.push("");
  } else {
    lines.push("(no fields)", "");
  }
  for (const e of m.nestedEnums) enumeration(lines, e, level);
  for (const n of m.nestedMessages) if (!n.proto.options?.mapEntry) message(lines, n, level);
}

function enumeration(lines, e, level) {
  lines.push(`${"#".repeat(level)} ${e.typeName}`, "", `<a id="${anchor(e.typeName)}"></a>`, "");
  const c = comment(e);
  if (c) lines.push(c, "");
  lines.push("| Value | Number | Description |", "|---|---|---|");
  for (const v of e.values) lines.push(`| \`${v.name}\` | ${v.number} | ${cell(getComments(v).leading)} |`);
  lines.push("");
}

mkdirSync(out, { recursive: true });
const index = [
  "# Cercles API reference",
  "",
  "Generated from `proto/` by `scripts/api-reference`; do not edit (the test",
  "`generated_fresh` fails when this reference is stale). Conventions (money,",
  "dates, paging, idempotency, errors): `cercles.common.v1` and",
  "[the partner guide](../connecting.md).",
  "",
  "| Package | Services |",
  "|---|---|",
];
for (const pkg of packages) {
  const pkgFiles = files.filter((f) => f.proto.package === pkg).sort((a, b) => a.name.localeCompare(b.name));
  const services = pkgFiles.flatMap((f) => f.services);
  index.push(`| [\`${pkg}\`](${pkg}.md) | ${services.map((s) => s.name).join(", ")} |`);
  const lines = [`# ${pkg}`, "", `Files: ${pkgFiles.map((f) => `\`${f.name}.proto\``).join(", ")}.`, ""];
  if (services.length) {
    lines.push("## Services", "");
    for (const s of services) {
      lines.push(`### ${s.typeName}`, "", `<a id="${anchor(s.typeName)}"></a>`, "");
      const c = comment(s);
      if (c) lines.push(c, "");
      for (const m of s.methods) {
        const streaming = m.methodKind === "server_streaming" ? "stream " : "";
        lines.push(`#### ${m.name}`, "", `\`rpc ${m.name}(${m.input.typeName}) returns (${streaming}${m.output.typeName})\``, "");
        lines.push(`- Request: ${link(m.input)}`, `- Response: ${streaming}${link(m.output)}`, `- Access policy: ${policy(m)}`, "");
        const mc = comment(m);
        if (mc) lines.push(mc, "");
      }
    }
  }
  const messages = pkgFiles.flatMap((f) => f.messages);
  if (messages.length) {
    lines.push("## Messages", "");
    for (const m of messages) message(lines, m, 3);
  }
  const enums = pkgFiles.flatMap((f) => f.enums);
  if (enums.length) {
    lines.push("## Enums", "");
    for (const e of enums) enumeration(lines, e, 3);
  }
  const extensions = pkgFiles.flatMap((f) => f.extensions);
  if (extensions.length) {
    lines.push("## Options", "");
    for (const x of extensions) {
      lines.push(`- \`${x.typeName}\` (on \`${x.extendee.typeName}\`, field ${x.number}): ${cell(getComments(x).leading)}`);
    }
    lines.push("");
  }
  writeFileSync(join(out, `${pkg}.md`), lines.join("\n").replace(/\n+$/, "\n"));
}
writeFileSync(join(out, "README.md"), index.join("\n") + "\n");
