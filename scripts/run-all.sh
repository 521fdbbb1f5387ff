#!/usr/bin/env bash
# Runs every script of scripts/ on the smoke profile, as CI does after the notebooks (which fill results/smoke, so
# reproduce.cs and ablation.cs find their runs stored and only table and draw). Stops at the first that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 BLORA_PROFILE=smoke
start=$(date +%s)
step() {
  local name="$1"; shift
  local t0; t0=$(date +%s)
  echo "== $name"
  if ! "$@"; then echo "scripts/run-all: $name failed" >&2; exit 2; fi
  echo "== $name done in $(( $(date +%s) - t0 ))s"
}
step reproduce.cs dotnet run scripts/reproduce.cs
step ablation.cs dotnet run scripts/ablation.cs -- ablation-methods
step train.cs dotnet run scripts/train.cs -- --method lora --shots 1 --iterations 20 --results results/tmp/scripts
step reuse.cs dotnet run scripts/reuse.cs
# The paper profile without BLORA_RUN=1 prints its cost and trains nothing (no weights needed for the count).
step "reproduce.cs (paper, plan only)" env BLORA_PROFILE=paper dotnet run scripts/reproduce.cs
step "classify-onnx.cs (demo classifier, accuracy against the recorded one)" bash scripts/ci-classify-onnx.sh
echo "scripts/run-all: done in $(( $(date +%s) - start ))s"
