// Rules for a Moltnet server config file as the manifests use it, and for the environment that runs it.
import { listenPort } from "./serverfacts.mjs";

/** Environment variables the server reads that are not in its sources yet (built on another branch): a warning,
 *  not an error, until the code that reads them lands; then the entry should go. */
export const PENDING_ENV = new Map([]);

/** value_env names the config's tokens read their secrets from. */
export function valueEnvNames(config) {
  return (config?.auth?.tokens ?? []).map(t => t?.value_env).filter(v => typeof v === "string" && v.length > 0);
}

/** The listen address the server will use: the override variable, else the file, else the code's default. */
export function effectiveListen(config, env, facts) {
  const fromEnv = facts.listenEnv ? env.get(facts.listenEnv) : undefined;
  const addr = fromEnv ?? config?.server?.listen_addr ?? facts.defaultListenAddr;
  const source = fromEnv ? facts.listenEnv : config?.server?.listen_addr ? "server.listen_addr" : "the default in MoltnetConfig.cs";
  return { addr, port: listenPort(addr), source };
}

/**
 * Checks a config file mounted from a ConfigMap or bind mount: no plaintext secrets (the server refuses a
 * non-private or symlinked file that holds them), every value_env set, and the storage kind expected.
 */
export function checkServerConfig(config, env, facts, expectKind, file, report) {
  const where = "config";
  (config?.auth?.tokens ?? []).forEach((t, i) => {
    if (t?.value) report.error(file, `${where} auth.tokens[${i}].value`, "plaintext secret in a shared config file; use value_env (or value_file) and a Secret");
  });
  (config?.pairings ?? []).forEach((p, i) => {
    if (p?.token) report.error(file, `${where} pairings[${i}].token`, "plaintext secret in a shared config file; pass pairings with MOLTNET_PAIRINGS_JSON from a Secret");
  });
  if (config?.storage?.postgres?.dsn) report.error(file, `${where} storage.postgres.dsn`, `plaintext secret in a shared config file; set ${facts.dsnEnv} from a Secret`);
  for (const name of valueEnvNames(config)) {
    if (!env.has(name)) report.error(file, where, `auth token value_env ${name} is not set in the container's environment`);
  }
  const kind = env.get("MOLTNET_STORAGE_KIND") ?? config?.storage?.kind ?? (env.has(facts.dsnEnv) ? "postgres" : "sqlite");
  if (expectKind && kind !== expectKind) report.error(file, `${where} storage.kind`, `must be ${expectKind} here (got ${kind})`);
  if (kind === "postgres" && !env.has(facts.dsnEnv) && !config?.storage?.postgres?.dsn) {
    report.error(file, where, `storage.kind is postgres but ${facts.dsnEnv} is not set`);
  }
}

/** Every MOLTNET_ or OTEL_ variable given to a container must be one the product reads (or a token's value_env). */
export function checkEnvNames(names, config, facts, file, where, report) {
  const tokenEnv = new Set(valueEnvNames(config));
  for (const name of names) {
    if (!/^(MOLTNET|OTEL)_/.test(name) || facts.envNames.has(name) || tokenEnv.has(name)) continue;
    if (PENDING_ENV.has(name)) {
      report.warn(file, where, `${name} is not read by the server yet: ${PENDING_ENV.get(name)}`);
      continue;
    }
    report.error(file, where, `environment variable ${name} is not read by the server (no "${name}" in the C# sources, not a value_env of the config)`);
  }
}

/** A pending variable that the sources now read should leave PENDING_ENV (then it is checked like any other). */
export function checkPending(facts, report) {
  for (const [name] of PENDING_ENV) {
    if (facts.envNames.has(name)) report.warn("k8s/validate/lib/serverconfig.mjs", "", `${name} is now read by the server: remove it from PENDING_ENV`);
  }
}
