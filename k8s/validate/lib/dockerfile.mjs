// The Dockerfile and .dockerignore: base images for the target framework, every project the CLI needs copied
// before restore, the published CLI as entry point, a non-root user, the server's port, a health check.
import fs from "node:fs";
import path from "node:path";
import { checkHealthcheck } from "./compose.mjs";
import { listenPort } from "./serverfacts.mjs";

export function checkDockerfile(root, facts, report) {
  const file = "Dockerfile";
  const before = report.errors.length;
  const text = fs.readFileSync(path.join(root, file), "utf8").replace(/\\\n/g, " ");
  const lines = text.split("\n").map(l => l.trim()).filter(l => l && !l.startsWith("#"));
  const stages = [];
  for (const l of lines) {
    const [instr, ...rest] = l.split(/\s+/);
    const args = rest.join(" ");
    if (/^FROM$/i.test(instr)) stages.push({ from: rest[0], lines: [] });
    else if (stages.length > 0) stages.at(-1).lines.push({ instr: instr.toUpperCase(), args });
  }
  if (stages.length < 2) return report.error(file, "", "expected a multi-stage build (sdk build stage, aspnet runtime stage)");
  const v = facts.dotnetVersion;
  const [build, runtime] = [stages[0], stages.at(-1)];
  if (build.from !== `mcr.microsoft.com/dotnet/sdk:${v}`) report.error(file, "FROM (build)", `must be mcr.microsoft.com/dotnet/sdk:${v} (TargetFramework net${v}); got ${build.from}`);
  if (runtime.from !== `mcr.microsoft.com/dotnet/aspnet:${v}`) report.error(file, "FROM (runtime)", `must be mcr.microsoft.com/dotnet/aspnet:${v}; got ${runtime.from}`);

  const restoreAt = build.lines.findIndex(l => l.instr === "RUN" && /dotnet restore/.test(l.args));
  const copiedBefore = build.lines.slice(0, restoreAt < 0 ? 0 : restoreAt).filter(l => l.instr === "COPY").map(l => l.args);
  for (const project of facts.cliProjects) {
    if (!copiedBefore.some(c => c.split(/\s+/).includes(project))) report.error(file, "COPY", `${project} (referenced by the CLI) is not copied before dotnet restore`);
  }
  if (!build.lines.some(l => l.instr === "RUN" && /dotnet publish Cli(\/Cli\.csproj)?\b/.test(l.args))) report.error(file, "RUN", "the build stage must dotnet publish Cli");

  const last = (stage, instr) => stage.lines.filter(l => l.instr === instr).at(-1)?.args;
  const user = last(runtime, "USER");
  if (!user || /^(root|0)(:|$)/.test(user)) report.error(file, "USER", `the runtime stage must run as a non-root user (got ${user ?? "none"})`);
  const entry = last(runtime, "ENTRYPOINT") ?? "";
  if (!entry.includes(`/app/${facts.cliDll}`)) report.error(file, "ENTRYPOINT", `must run /app/${facts.cliDll}`);
  const port = listenPort(facts.defaultListenAddr);
  const exposed = (last(runtime, "EXPOSE") ?? "").split(/\s+/).map(p => Number(p.split("/")[0]));
  if (!exposed.includes(port)) report.error(file, "EXPOSE", `must expose ${port} (the default server.listen_addr ${facts.defaultListenAddr})`);
  const health = last(runtime, "HEALTHCHECK");
  if (health) {
    const cmd = health.slice(health.indexOf("CMD") + 3).trim();
    let test = cmd;
    try {
      test = JSON.parse(cmd);
    } catch {
      // shell form
    }
    checkHealthcheck(test, port, facts, file, "HEALTHCHECK", report);
  }
  if (report.errors.length === before) report.note(`Dockerfile: sdk/aspnet ${v}, ${facts.cliProjects.length} projects copied before restore, EXPOSE ${port}, USER ${user}`);

  const ignoreFile = ".dockerignore";
  const ignores = fs.existsSync(path.join(root, ignoreFile)) ? fs.readFileSync(path.join(root, ignoreFile), "utf8").split("\n").map(l => l.trim()).filter(l => l && !l.startsWith("#")) : [];
  for (const needed of ["**/bin", "**/obj", ".git"]) if (!ignores.includes(needed)) report.error(ignoreFile, "", `should exclude ${needed}`);
  for (const project of facts.cliProjects) {
    const dir = project.split("/")[0];
    if (ignores.some(p => p === dir || p === `${dir}/` || p === project)) report.error(ignoreFile, "", `excludes ${dir}, which the image build needs`);
  }
}
