#!/usr/bin/env node
// node tests/deploy/job_command.mjs RENDERED.yaml KIND NAME [--env]
// Prints the command of a Job's or CronJob's first container in a rendered
// overlay, each argument followed by a NUL (bash: mapfile -d ''), or with
// --env the names of the variables it sets, one per line: tests/deploy runs
// the manifests' own commands rather than copies of them.
import { findObject, loadRendered } from "./lib/manifests.mjs";

const [file, kind, name, mode] = process.argv.slice(2);
const object = findObject(loadRendered(file, file), kind, name);
if (!object) {
  console.error(`job_command.mjs: no ${kind}/${name} in ${file}`);
  process.exit(1);
}
const template = kind === "CronJob" ? object.spec.jobTemplate.spec.template : object.spec.template;
const container = template.spec.containers[0];
if (mode === "--env") {
  for (const e of container.env ?? []) console.log(e.name);
} else {
  process.stdout.write([...(container.command ?? []), ...(container.args ?? [])].map((a) => `${a}\0`).join(""));
}
