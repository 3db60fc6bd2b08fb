// What the server and CLI actually read, extracted from the C# sources so that manifests are checked against the
// code rather than against a second hand-written list. A pattern that no longer matches is an error that names
// the file to look at: update the pattern together with the code.
import fs from "node:fs";
import path from "node:path";

const PRODUCT_DIRS = ["Grains.Interfaces", "Grains", "Web", "Silo", "NodeClient", "Cli"];

export function readServerFacts(root, report) {
  const read = rel => fs.readFileSync(path.join(root, rel), "utf8");
  const need = (rel, regex, what) => {
    const m = read(rel).match(regex);
    if (!m) report.error(rel, "", `cannot find ${what} (pattern ${regex}); update k8s/validate/lib/serverfacts.mjs with the code`);
    return m;
  };

  const sources = listCs(root);

  // Health routes: the one answering "ready" is the readiness route, the one answering "ok" the liveness route.
  const healthFile = "Web/Api/HealthApi.cs";
  const health = {};
  for (const m of read(healthFile).matchAll(/MapGet\("([^"]+)"[^;]*?Check\(probe,\s*"(\w+)"/g)) health[m[2]] = m[1];
  if (!health.ok || !health.ready) report.error(healthFile, "", `cannot find the liveness ("ok") and readiness ("ready") routes`);

  // Every GET route, for any other probe or health check.
  const getRoutes = new Set();
  for (const file of sources.filter(f => f.startsWith("Web/"))) {
    for (const m of read(file).matchAll(/Map(?:Get|Methods)\("([^"]+)"/g)) getRoutes.add(m[1]);
  }

  const listen = need("Grains.Interfaces/Configuration/MoltnetConfig.cs", /ListenAddr\s*\{\s*get;\s*init;\s*\}\s*=\s*"([^"]*)"/, "the default server.listen_addr");
  const listenEnv = need("Silo/Configuration/ConfigLoader.Environment.cs", /Var\("(MOLTNET_[A-Z0-9_]+)"\)\s*is\s*\{\s*\}\s*listen\b/, "the listen address override variable");
  const dsnEnv = need("Silo/Configuration/ConfigLoader.Environment.cs", /Var\("(MOLTNET_[A-Z0-9_]+)"\)\s*is\s*\{\s*\}\s*dsn\b/, "the PostgreSQL DSN override variable");
  const configEnv = need("Silo/Configuration/ConfigLoader.cs", /ConfigPathVariable\s*=\s*"([A-Z0-9_]+)"/, "the config path variable");
  const nodeConfigEnv = need("NodeClient/Configuration/NodeConfigLoader.cs", /ConfigPathVariable\s*=\s*"([A-Z0-9_]+)"/, "the node config path variable");
  const shutdown = need("Silo/Hosting/MoltnetServer.cs", /ShutdownTimeout\s*=\s*TimeSpan\.FromSeconds\((\d+)\)/, "the host shutdown timeout");
  const startCmd = need("Cli/Commands/StartCommand.cs", /new Command\("(\w+)"/, "the start command's name");
  const startConfig = need("Cli/Commands/StartCommand.cs", /new Option<[^>]+>\("(--[a-z-]+)"\)/, "the start command's config option");
  const keepAlive = need("Web/Api/EventsApi.cs", /KeepAlive\s*\{\s*get;\s*set;\s*\}\s*=\s*TimeSpan\.FromSeconds\((\d+)\)/, "the SSE keep-alive interval");
  const framework = need("Directory.Build.props", /<TargetFramework>net(\d+\.\d+)<\/TargetFramework>/, "the target framework");
  const assembly = need("Cli/Cli.csproj", /<AssemblyName>([^<]+)<\/AssemblyName>/, "the CLI's assembly name");

  // Environment variables the product reads: every MOLTNET_*/OTEL_* string literal outside tests.
  const envNames = new Set();
  for (const file of sources) {
    for (const m of read(file).matchAll(/"((?:MOLTNET|OTEL)_[A-Z0-9_]+)"/g)) envNames.add(m[1]);
  }

  return {
    health,
    getRoutes,
    defaultListenAddr: listen?.[1],
    listenEnv: listenEnv?.[1],
    dsnEnv: dsnEnv?.[1],
    configEnv: configEnv?.[1],
    nodeConfigEnv: nodeConfigEnv?.[1],
    shutdownSeconds: shutdown ? Number(shutdown[1]) : undefined,
    sseKeepAliveSeconds: keepAlive ? Number(keepAlive[1]) : undefined,
    startCommand: startCmd?.[1],
    startConfigOption: startConfig?.[1],
    dotnetVersion: framework?.[1],
    cliDll: assembly ? `${assembly[1]}.dll` : undefined,
    cliProjects: projectClosure(root, "Cli/Cli.csproj", report),
    envNames,
  };
}

/** The port of a Go-style listen address (":8787", "0.0.0.0:8787", "[::]:8787"). */
export function listenPort(addr) {
  const m = /:(\d+)$/.exec(addr ?? "");
  return m ? Number(m[1]) : undefined;
}

function listCs(root) {
  const out = [];
  const walk = rel => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, e.name);
      if (e.isDirectory()) {
        if (e.name !== "bin" && e.name !== "obj") walk(child);
      } else if (e.name.endsWith(".cs")) out.push(child);
    }
  };
  for (const dir of PRODUCT_DIRS) if (fs.existsSync(path.join(root, dir))) walk(dir);
  return out;
}

/** The project and every project it references, transitively (repository-relative paths). */
function projectClosure(root, start, report) {
  const seen = new Set();
  const visit = rel => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const full = path.join(root, rel);
    if (!fs.existsSync(full)) {
      report.error(rel, "", "referenced project does not exist");
      return;
    }
    for (const m of fs.readFileSync(full, "utf8").matchAll(/<ProjectReference\s+Include="([^"]+)"/g)) {
      visit(path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1].replaceAll("\\", "/"))));
    }
  };
  visit(start);
  return [...seen];
}
