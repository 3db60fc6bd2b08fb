// Runs the server's own config loader on every config file the manifests ship: `moltnet validate <file>` with the
// environment the manifest gives that container (placeholder values), so a key the loader rejects fails CI.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";

export function runLoader(cli, configs, facts, report) {
  if (!fs.existsSync(cli)) return report.error(cli, "", "the built CLI does not exist (build first, or pass --cli <path to moltnet.dll>)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "moltnet-deploy-"));
  try {
    configs.forEach((c, i) => {
      const file = path.join(dir, `config-${i}.yaml`);
      fs.writeFileSync(file, c.text, { mode: 0o600 });
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MOLTNET|OTEL)_/.test(k)));
      for (const name of c.env) env[name] = name === facts.dsnEnv ? "Host=placeholder;Database=moltnet;Username=moltnet" : `placeholder-${name.toLowerCase()}`;
      const run = spawnSync("dotnet", [cli, "validate", file], { env, encoding: "utf8", timeout: 120_000 });
      // validate tries a file as both kinds; keep the lines about the kind this file is meant to be.
      const other = c.kind === "Moltnet" ? "as MoltnetNode: " : "as Moltnet: ";
      const out = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim().split("\n").filter(l => !l.includes(other)).map(l => l.replaceAll(file, c.display));
      if (run.error) report.error(c.display, "", `cannot run dotnet ${cli}: ${run.error.message}`);
      else if (run.status !== 0) report.error(c.display, "", `moltnet validate (as ${c.kind}) failed:\n    ${out.join("\n    ")}`);
      else report.note(`moltnet validate: ${c.display} is a valid ${c.kind} config (environment: ${c.env.join(", ") || "none"})`);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
