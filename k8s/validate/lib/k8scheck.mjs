// Checks across the Kubernetes objects (references, selectors, ports, hardening) and, for the Moltnet server
// container, against what the server reads (facts from serverfacts.mjs).
import path from "node:path";
import { parseYaml } from "./yamlfiles.mjs";
import { checkEnvNames, checkServerConfig, effectiveListen } from "./serverconfig.mjs";

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

/** items: [{ file, where, obj }] of every object applied together (one kustomization). */
export function checkObjects(items, facts, report) {
  const byKind = kind => items.filter(i => i.obj.kind === kind);
  const find = (kind, name) => items.find(i => i.obj.kind === kind && i.obj.metadata?.name === name);
  const label = i => `${i.where} ${i.obj.kind}/${i.obj.metadata?.name}`;

  const seen = new Map();
  for (const i of items) {
    const key = `${i.obj.kind}/${i.obj.metadata?.name}`;
    if (seen.has(key)) report.error(i.file, label(i), `duplicate ${key} (also in ${seen.get(key)})`);
    else seen.set(key, i.file);
  }

  const workloads = items.filter(i => WORKLOADS.has(i.obj.kind));
  const podLabels = w => w.obj.spec?.template?.metadata?.labels ?? {};
  const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
  const selected = selector => workloads.filter(w => matches(selector, podLabels(w)));
  const portsOf = w => (w.obj.spec?.template?.spec?.containers ?? []).flatMap(c => c.ports ?? []);
  const hasPort = (w, port) => portsOf(w).some(p => (typeof port === "string" ? p.name === port : p.containerPort === port));

  const keysOf = (kind, name) => {
    const o = find(kind, name)?.obj;
    return o ? new Set([...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {}), ...Object.keys(o.binaryData ?? {})]) : undefined;
  };
  const needKey = (i, where, kind, name, key) => {
    const keys = keysOf(kind, name);
    if (!keys) report.error(i.file, `${label(i)} ${where}`, `${kind} "${name}" is not among the applied objects`);
    else if (key !== undefined && !keys.has(key)) report.error(i.file, `${label(i)} ${where}`, `${kind} "${name}" has no key "${key}"`);
  };

  for (const w of workloads) {
    const spec = w.obj.spec ?? {};
    const pod = spec.template?.spec ?? {};
    if (!matches(spec.selector?.matchLabels, podLabels(w))) report.error(w.file, label(w), "spec.selector.matchLabels does not match the pod template's labels");
    if (w.obj.kind === "StatefulSet" && !find("Service", spec.serviceName)) report.error(w.file, label(w), `serviceName "${spec.serviceName}" is not a Service here`);
    if (pod.securityContext?.runAsNonRoot !== true) report.error(w.file, `${label(w)} securityContext`, "runAsNonRoot must be true");
    const volumes = new Map((pod.volumes ?? []).map(v => [v.name, v]));
    for (const v of volumes.values()) {
      if (v.configMap) needKey(w, `volume ${v.name}`, "ConfigMap", v.configMap.name);
      if (v.secret) needKey(w, `volume ${v.name}`, "Secret", v.secret.secretName);
    }
    const claims = new Set((spec.volumeClaimTemplates ?? []).map(c => c.metadata?.name));
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const at = `container ${c.name}`;
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) report.error(w.file, `${label(w)} ${at}`, "securityContext.allowPrivilegeEscalation must be false");
      if (sc.readOnlyRootFilesystem !== true) report.error(w.file, `${label(w)} ${at}`, "securityContext.readOnlyRootFilesystem must be true");
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) report.error(w.file, `${label(w)} ${at}`, "securityContext.capabilities.drop must include ALL");
      for (const kind of ["requests", "limits"]) {
        for (const r of ["cpu", "memory"]) {
          if (!c.resources?.[kind]?.[r]) report.error(w.file, `${label(w)} ${at}`, `resources.${kind}.${r} is required`);
        }
      }
      const mounts = c.volumeMounts ?? [];
      for (const m of mounts) {
        if (!volumes.has(m.name) && !claims.has(m.name)) report.error(w.file, `${label(w)} ${at}`, `volumeMount "${m.name}" names no volume`);
      }
      if (sc.readOnlyRootFilesystem === true && (pod.containers ?? []).includes(c) && !mounts.some(m => m.mountPath === "/tmp")) {
        report.error(w.file, `${label(w)} ${at}`, "read-only root filesystem: mount a writable emptyDir at /tmp");
      }
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        const cm = e.valueFrom?.configMapKeyRef;
        if (s && s.optional !== true) needKey(w, `${at} env ${e.name}`, "Secret", s.name, s.key);
        if (cm && cm.optional !== true) needKey(w, `${at} env ${e.name}`, "ConfigMap", cm.name, cm.key);
      }
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
        if (port !== undefined && !(c.ports ?? []).some(p => (typeof port === "string" ? p.name === port : p.containerPort === port))) {
          report.error(w.file, `${label(w)} ${at} ${probe}`, `port ${port} is not one of the container's ports`);
        }
      }
    }
    const server = (pod.containers ?? []).find(c => (c.args ?? c.command ?? [])[0] === facts.startCommand);
    if (server) checkServerContainer(w, pod, server, items, facts, report, label(w));
  }

  for (const s of byKind("Service")) {
    const targets = selected(s.obj.spec?.selector);
    if (targets.length === 0) report.error(s.file, label(s), "selector matches no pod template");
    for (const p of s.obj.spec?.ports ?? []) {
      const target = p.targetPort ?? p.port;
      for (const w of targets) {
        if (!hasPort(w, target)) report.error(s.file, `${label(s)} port ${p.name ?? p.port}`, `targetPort ${target} is not a container port of ${w.obj.kind}/${w.obj.metadata.name}`);
      }
    }
  }
  for (const ing of byKind("Ingress")) {
    if (ing.obj.spec?.ingressClassName === "nginx") checkNginxStreaming(ing, label(ing), facts, report);
    const backends = [ing.obj.spec?.defaultBackend, ...(ing.obj.spec?.rules ?? []).flatMap(r => (r.http?.paths ?? []).map(p => p.backend))].filter(Boolean);
    for (const b of backends) {
      const svc = find("Service", b.service?.name);
      if (!svc) {
        report.error(ing.file, label(ing), `backend service "${b.service?.name}" is not a Service here`);
        continue;
      }
      const want = b.service.port?.name ?? b.service.port?.number;
      if (!(svc.obj.spec?.ports ?? []).some(p => p.name === want || p.port === want)) report.error(ing.file, label(ing), `service "${svc.obj.metadata.name}" has no port ${want}`);
    }
  }
  for (const pdb of byKind("PodDisruptionBudget")) {
    if (selected(pdb.obj.spec?.selector?.matchLabels).length === 0) report.error(pdb.file, label(pdb), "selector matches no pod template");
  }
  for (const np of byKind("NetworkPolicy")) {
    const targets = selected(np.obj.spec?.podSelector?.matchLabels);
    if (targets.length === 0) report.error(np.file, label(np), "podSelector matches no pod template");
    for (const rule of np.obj.spec?.ingress ?? []) {
      for (const p of rule.ports ?? []) {
        for (const w of targets) if (!hasPort(w, p.port)) report.error(np.file, `${label(np)} ingress`, `port ${p.port} is not a container port of ${w.obj.kind}/${w.obj.metadata.name}`);
      }
    }
  }
  for (const hpa of byKind("HorizontalPodAutoscaler")) {
    const ref = hpa.obj.spec?.scaleTargetRef ?? {};
    const target = find(ref.kind, ref.name);
    if (!target) {
      report.error(hpa.file, label(hpa), `scaleTargetRef ${ref.kind}/${ref.name} is not among the applied objects`);
      continue;
    }
    const replicas = target.obj.spec?.replicas ?? 1;
    const min = hpa.obj.spec?.minReplicas ?? 1;
    if (replicas < min || replicas > hpa.obj.spec.maxReplicas) report.error(hpa.file, label(hpa), `the target's replicas (${replicas}) lie outside minReplicas..maxReplicas (${min}..${hpa.obj.spec.maxReplicas})`);
  }
}

/** The container that runs `moltnet start`: config file, port, probes, environment, shutdown. */
function checkServerContainer(w, pod, c, items, facts, report, at) {
  const where = `${at} container ${c.name}`;
  const args = c.args ?? c.command ?? [];
  const env = new Map((c.env ?? []).map(e => [e.name, e.value ?? `<from ${Object.keys(e.valueFrom ?? {})[0] ?? "?"}>`]));

  // The config file: --config <path> (or the config variable) must be a key of a mounted ConfigMap.
  const i = args.indexOf(facts.startConfigOption);
  const configPath = i >= 0 ? args[i + 1] : env.get(facts.configEnv);
  let config;
  if (!configPath) report.error(w.file, where, `no config file: pass ${facts.startConfigOption} <path> (or set ${facts.configEnv})`);
  else {
    const mount = (c.volumeMounts ?? []).find(m => configPath.startsWith(`${m.mountPath.replace(/\/$/, "")}/`));
    const volume = mount && (pod.volumes ?? []).find(v => v.name === mount.name);
    const cmName = volume?.configMap?.name;
    const key = mount && path.posix.relative(mount.mountPath, configPath);
    const cm = items.find(x => x.obj.kind === "ConfigMap" && x.obj.metadata?.name === cmName);
    if (!cm) report.error(w.file, where, `config file ${configPath} is not in a mounted ConfigMap`);
    else if (typeof cm.obj.data?.[key] !== "string") report.error(w.file, where, `ConfigMap "${cmName}" has no key "${key}" for ${configPath}`);
    else {
      config = parseYaml(cm.obj.data[key], `${cm.file} (data.${key})`, report) ?? {};
      checkServerConfig(config, env, facts, "postgres", `${cm.file} (data.${key})`, report);
      report.configs.push({ kind: "Moltnet", display: `${cm.file} (data.${key})`, text: cm.obj.data[key], env: [...env.keys()] });
    }
  }

  // Port and probes.
  const listen = effectiveListen(config, env, facts);
  const http = (c.ports ?? []).find(p => p.containerPort === listen.port);
  if (!http) report.error(w.file, where, `the server listens on port ${listen.port} (${listen.source}) but the container ports are ${(c.ports ?? []).map(p => p.containerPort).join(", ") || "none"}`);
  const probe = (name, allowed) => {
    const get = c[name]?.httpGet;
    if (!get) return report.error(w.file, where, `${name} with httpGet is required`);
    if (!allowed.includes(get.path)) report.error(w.file, `${where} ${name}`, `path ${get.path} is not the server's (${allowed.join(" or ")}, from HealthApi.cs)`);
    const port = typeof get.port === "string" ? (c.ports ?? []).find(p => p.name === get.port)?.containerPort : get.port;
    if (port !== listen.port) report.error(w.file, `${where} ${name}`, `probes port ${get.port}${port !== get.port ? ` (${port})` : ""} but the server listens on ${listen.port}`);
  };
  probe("readinessProbe", [facts.health.ready]);
  probe("livenessProbe", [facts.health.ok]);
  if (c.startupProbe) probe("startupProbe", [facts.health.ok, facts.health.ready]);

  // Environment.
  for (const container of [...(pod.initContainers ?? []), c]) {
    checkEnvNames((container.env ?? []).map(e => e.name), config, facts, w.file, `${at} container ${container.name}`, report);
  }
  const replica = (c.env ?? []).find(e => e.name === "MOLTNET_REPLICA_ID");
  if (replica?.valueFrom?.fieldRef?.fieldPath !== "metadata.name") report.error(w.file, where, "MOLTNET_REPLICA_ID must come from the pod name (valueFrom.fieldRef.fieldPath: metadata.name)");
  const dsn = (c.env ?? []).find(e => e.name === facts.dsnEnv);
  if (dsn && !dsn.valueFrom?.secretKeyRef) report.error(w.file, `${where} env ${facts.dsnEnv}`, "the DSN holds a password: take it from a Secret (valueFrom.secretKeyRef)");

  // Shutdown: preStop sleep, then SIGTERM and the host's drain, within the grace period.
  const pre = c.lifecycle?.preStop;
  const sleep = pre?.sleep?.seconds ?? (pre?.exec?.command?.[0] === "sleep" ? Number(pre.exec.command[1]) : undefined);
  if (!Number.isFinite(sleep)) report.error(w.file, where, "lifecycle.preStop must sleep (exec [sleep, N] or sleep.seconds) so endpoints drop the pod before SIGTERM");
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const need = (sleep ?? 0) + facts.shutdownSeconds + 5;
  if (grace < need) report.error(w.file, at, `terminationGracePeriodSeconds ${grace} < preStop ${sleep ?? 0} s + server drain ${facts.shutdownSeconds} s (MoltnetServer.cs) + 5 s margin`);
  else report.note(`k8s: ${at}: grace ${grace} s covers preStop ${sleep} s + drain ${facts.shutdownSeconds} s; port ${listen.port} (${listen.source}); probes ${facts.health.ready}, ${facts.health.ok}`);
}

/** ingress-nginx in front of SSE and WebSockets: no response buffering, and timeouts well above the keep-alive. */
function checkNginxStreaming(ing, at, facts, report) {
  const a = ing.obj.metadata?.annotations ?? {};
  const key = name => `nginx.ingress.kubernetes.io/${name}`;
  if (a[key("proxy-buffering")] !== "off") report.error(ing.file, at, `${key("proxy-buffering")} must be "off": SSE events must reach clients at once`);
  for (const name of ["proxy-read-timeout", "proxy-send-timeout"]) {
    const value = Number(a[key(name)]);
    const min = 4 * facts.sseKeepAliveSeconds;
    if (!(value >= min)) report.error(ing.file, at, `${key(name)} must be at least ${min} s (4 × the SSE keep-alive of ${facts.sseKeepAliveSeconds} s in EventsApi.cs); got ${a[key(name)] ?? "the 60 s default"}`);
  }
}
