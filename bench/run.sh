#!/usr/bin/env bash
# The whole benchmark suite, side by side with peer systems, in under 15 minutes on 2 cores:
#   1. installs the peers from Debian's packages when missing (ngircd, nats-server, redis-server);
#   2. builds the server, the bench and the minimal Kestrel SSE hub (the floor) in Release;
#   3. runs `moltnet-bench suite`: ingest + latency (`all`), idle memory up to 10,000 connections, the reconnect
#      storm, the equal-p99 ladder against every peer, and closed-loop ingest against every peer (peers-ingest);
#   4. writes bench/results/latest.md (markdown tables) and the SVG charts next to it.
# Peers run as the bench's children on free loopback ports with configs it writes to temp dirs; services the packages
# may have started on their default ports are not used. Extra arguments go to the bench (e.g. --step-seconds 2).
# BENCH_NICE=N runs the bench (and so every server it starts) under `nice -n N`, to be kind to a shared machine.
# Exit code 3 means the run finished but a target was missed.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in ngircd nats-server redis-server; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 10,000 idle connections need 10,000+ descriptors in the bench and in each server it starts.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

dotnet build -c Release Cli/Cli.csproj -nologo -v q
dotnet build -c Release bench/Moltnet.Bench/Moltnet.Bench.csproj -nologo -v q
dotnet build -c Release bench/SseHub/SseHub.csproj -nologo -v q

echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
exec nice -n "${BENCH_NICE:-0}" dotnet bench/Moltnet.Bench/bin/Release/net10.0/moltnet-bench.dll suite \
  --duration 10 --warmup 5 \
  --server-dll Cli/bin/Release/net10.0/moltnet.dll \
  "$@"
