// Validates Kubernetes objects with kubernetes-models: each object is built through its model class and checked
// with .validate() (the Kubernetes OpenAPI schemas: types, required fields, enums, formats). The OpenAPI schemas
// allow unknown fields, which kubectl's strict field validation rejects; so unknown fields are found here too,
// by walking the object along the models' TypeScript declarations (one interface per type).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The kubernetes-models module for an apiVersion: "v1" → kubernetes-models/v1, "apps/v1" → kubernetes-models/apps/v1. */
function modelModule(apiVersion) {
  return `kubernetes-models/${apiVersion}`;
}

/** Validates one object; returns false (after reporting) when its kind is unknown or it is invalid. */
export function validateObject(obj, file, where, report) {
  const { apiVersion, kind } = obj ?? {};
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    report.error(file, where, "apiVersion and kind are required");
    return false;
  }
  let Model;
  try {
    Model = require(modelModule(apiVersion))[kind];
  } catch {
    Model = undefined;
  }
  if (typeof Model !== "function") {
    report.error(file, where, `unknown apiVersion/kind ${apiVersion} ${kind}`);
    return false;
  }
  let ok = true;
  try {
    new Model(obj).validate();
  } catch (e) {
    ok = false;
    const errors = e.errors ?? [{ instancePath: "", message: e.message }];
    for (const err of errors) {
      const extra = err.params?.allowedValues ? ` (allowed: ${err.params.allowedValues.join(", ")})` : "";
      report.error(file, `${where} ${kind}/${obj.metadata?.name ?? "?"}${err.instancePath || ""}`, `${err.message}${extra}`);
    }
  }
  const declaration = require.resolve(`${modelModule(apiVersion)}/${kind}`).replace(/\.js$/, ".d.ts");
  for (const unknown of unknownFields(obj, declaration, "")) {
    ok = false;
    const near = unknown.allowed.find(a => a.toLowerCase() === unknown.field.toLowerCase());
    const hint = near ? `did you mean "${near}"?` : `allowed: ${unknown.allowed.join(", ")}`;
    report.error(file, `${where} ${kind}/${obj.metadata?.name ?? "?"}${unknown.path}`, `unknown field "${unknown.field}" (${hint})`);
  }
  return ok;
}

const interfaces = new Map();

/** Properties of the first interface declared in a .d.ts file: name → { shape, file } of its type. */
function readInterface(file) {
  if (interfaces.has(file)) return interfaces.get(file);
  const text = fs.readFileSync(file, "utf8");
  const imports = new Map();
  for (const m of text.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";$/gm)) {
    for (const name of m[1].split(",").map(s => s.trim())) imports.set(name, m[2]);
  }
  const lines = text.split("\n");
  const start = lines.findIndex(l => /^export interface I\w+/.test(l));
  let props = null;
  if (start >= 0) {
    props = new Map();
    for (let i = start + 1; i < lines.length && lines[i] !== "}"; i++) {
      const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[i]);
      if (!m) continue;
      let type = m[2];
      if (type === "{") type = `{ ${lines[i + 1].trim()} }`; // a record type spans lines: { [key: string]: X; }
      props.set(m[1], typeShape(type.replace(/;$/, ""), imports, file));
    }
  }
  interfaces.set(file, props);
  return props;
}

/** How to descend into a property: into an object, each array item or each record value of a declared type. */
function typeShape(type, imports, file) {
  const ids = [...type.matchAll(/\bI[A-Za-z0-9]+\b/g)].map(m => m[0]).filter(id => imports.has(id));
  if (ids.length !== 1) return null;
  const target = resolveDeclaration(imports.get(ids[0]), file);
  const id = ids[0];
  if (type === id) return { each: "object", file: target };
  if (type === `Array<${id}>`) return { each: "item", file: target };
  if (new RegExp(`^\\{ \\[key: string\\]: ${id};? \\}$`).test(type)) return { each: "value", file: target };
  return null;
}

function resolveDeclaration(spec, fromFile) {
  if (spec.startsWith(".")) return path.resolve(path.dirname(fromFile), `${spec}.d.ts`);
  return createRequire(fromFile).resolve(spec).replace(/\.js$/, ".d.ts");
}

function* unknownFields(value, declaration, at) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  const props = readInterface(declaration);
  if (!props) return; // a type alias (IntOrString, Quantity, ...) or free-form JSON
  for (const [key, child] of Object.entries(value)) {
    if (!props.has(key)) {
      yield { path: `${at}`, field: key, allowed: [...props.keys()] };
      continue;
    }
    const shape = props.get(key);
    if (!shape || child === null || typeof child !== "object") continue;
    if (shape.each === "object") yield* unknownFields(child, shape.file, `${at}/${key}`);
    else if (shape.each === "item" && Array.isArray(child)) {
      for (let i = 0; i < child.length; i++) yield* unknownFields(child[i], shape.file, `${at}/${key}/${i}`);
    } else if (shape.each === "value") {
      for (const [k, v] of Object.entries(child)) yield* unknownFields(v, shape.file, `${at}/${key}/${k}`);
    }
  }
}
