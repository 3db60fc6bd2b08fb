// Reads YAML files (several documents each) with exact line positions for messages.
import fs from "node:fs";
import YAML from "yaml";

/** Parses every document of a YAML file; syntax errors are reported and yield no documents. */
export function readDocuments(path, display, report) {
  const text = fs.readFileSync(path, "utf8");
  const docs = YAML.parseAllDocuments(text, { prettyErrors: true });
  const out = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) report.error(display, `document ${i + 1}`, `YAML: ${e.message.split("\n")[0]}`);
      return;
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) out.push({ index: i + 1, value });
  });
  return out;
}

/** Parses one YAML text (e.g. a config file embedded in a ConfigMap). */
export function parseYaml(text, display, report) {
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) report.error(display, "", `YAML: ${e.message.split("\n")[0]}`);
    return undefined;
  }
  return doc.toJS();
}
