#!/usr/bin/env bash
# Builds the server and the bench in Release, then runs every scenario against fresh servers on loopback.
# About 1.5 minutes of load on 2 cores (plus the builds). Extra arguments go to the bench, e.g. --duration 5.
# Exit code 3 means the run finished but a target was missed (see bench/results/latest.md).
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build -c Release Cli/Cli.csproj -nologo -v q
dotnet build -c Release bench/Moltnet.Bench/Moltnet.Bench.csproj -nologo -v q

exec dotnet bench/Moltnet.Bench/bin/Release/net10.0/moltnet-bench.dll all \
  --duration 10 --warmup 5 \
  --server-dll Cli/bin/Release/net10.0/moltnet.dll \
  "$@"
