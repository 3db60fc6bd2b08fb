#!/usr/bin/env node
// Validates the deployment artefacts: every Kubernetes manifest under k8s/ against the Kubernetes schemas (via
// kubernetes-models) and for consistency; compose.yaml against the Compose schema; the Dockerfile; and all of them
// against what the server reads (routes, port, environment variables, shutdown), extracted from the C# sources.
//   node k8s/validate/validate.mjs                      static checks (CI runs this before the build)
//   node k8s/validate/validate.mjs --cli <moltnet.dll>  also runs `moltnet validate` on each shipped config file
//   node k8s/validate/validate.mjs --built Release      the same with the CLI of `dotnet build -c Release`
// Exit code 1 when anything is wrong; every problem is printed as "<file>: <where>: <problem>".
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Report } from "./lib/report.mjs";
import { readServerFacts } from "./lib/serverfacts.mjs";
import { readDocuments } from "./lib/yamlfiles.mjs";
import { validateObject } from "./lib/k8sschema.mjs";
import { checkObjects } from "./lib/k8scheck.mjs";
import { checkCompose } from "./lib/compose.mjs";
import { checkDockerfile } from "./lib/dockerfile.mjs";
import { checkPending } from "./lib/serverconfig.mjs";
import { runLoader } from "./lib/loadercheck.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const args = process.argv.slice(2);
const option = name => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] ?? "" : undefined);

const report = new Report();
const facts = readServerFacts(root, report);
const built = option("--built");
const cli = option("--cli") !== undefined ? path.resolve(option("--cli"))
  : built !== undefined ? path.join(root, "Cli", "bin", built, `net${facts.dotnetVersion}`, facts.cliDll) : undefined;
checkPending(facts, report);

// Kubernetes: each kustomization is one set of objects applied together; every manifest belongs to one.
const k8sDir = path.join(root, "k8s");
const yamlFiles = listYaml(k8sDir).map(f => path.posix.join("k8s", path.relative(k8sDir, f).split(path.sep).join("/")));
const kustomizations = yamlFiles.filter(f => path.posix.basename(f) === "kustomization.yaml");
const listed = new Set();
let objects = 0;
for (const kfile of kustomizations) {
  const [k] = readDocuments(path.join(root, kfile), kfile, report);
  const items = [];
  for (const res of k?.value?.resources ?? []) {
    const rel = path.posix.join(path.posix.dirname(kfile), res);
    if (!fs.existsSync(path.join(root, rel))) {
      report.error(kfile, "resources", `${res} does not exist`);
      continue;
    }
    listed.add(rel);
    for (const doc of readDocuments(path.join(root, rel), rel, report)) {
      const where = `document ${doc.index}`;
      objects++;
      // Cross-checks see schema-invalid objects too, so one typo does not hide the other problems.
      validateObject(doc.value, rel, where, report);
      if (doc.value && typeof doc.value === "object" && doc.value.kind) items.push({ file: rel, where, obj: doc.value });
    }
  }
  checkObjects(items, facts, report);
  const images = new Set(items.flatMap(i => [...(i.obj.spec?.template?.spec?.containers ?? []), ...(i.obj.spec?.template?.spec?.initContainers ?? [])]).map(c => c.image.split(":")[0]));
  for (const img of k?.value?.images ?? []) {
    if (!images.has(img.name)) report.error(kfile, "images", `"${img.name}" is not the image of any container`);
  }
}
for (const f of yamlFiles) {
  if (!kustomizations.includes(f) && !listed.has(f)) report.error(f, "", "not listed in any kustomization.yaml resources (it would never be applied)");
}
report.note(`k8s: ${objects} objects in ${listed.size} files from ${kustomizations.length} kustomizations`);

checkCompose(root, "compose.yaml", facts, report);
checkDockerfile(root, facts, report);
if (cli) runLoader(cli, report.configs, facts, report);

for (const n of report.notes) console.log(`ok   ${n}`);
for (const w of report.warnings) console.log(`warn ${w}`);
for (const e of report.errors) console.error(`FAIL ${e}`);
if (report.errors.length > 0) {
  console.error(`deployment validation failed: ${report.errors.length} problem(s)`);
  process.exit(1);
}
console.log(`deployment validation passed (${report.warnings.length} warning(s))`);

function listYaml(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "node_modules" && e.name !== "validate") out.push(...listYaml(full));
    } else if (/\.ya?ml$/.test(e.name)) out.push(full);
  }
  return out;
}
