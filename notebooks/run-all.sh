#!/usr/bin/env bash
# Runs every notebook headless in a profile (default smoke) and keeps the executed copies in results/notebooks/.
#   notebooks/run-all.sh                 # smoke: fresh results/smoke, all notebooks, PNG figures required
#   notebooks/run-all.sh 06-paper-tables # only the named notebooks (in the given order), keeping results/smoke
#   BLORA_PROFILE=paper notebooks/run-all.sh   # the real protocol (GPU, weights, data; hours; keeps results/); builds for CUDA
#   BLORA_DEVICE=cuda notebooks/run-all.sh     # the CUDA build (BLORA_DEVICE=cpu builds for the CPU whatever the profile)
# Needs: the .NET 10 SDK, Chromium for the PNG figures (Debian: apt-get install -y chromium) and, for smoke, the demo's
# data packages (apt-get install -y dataset-fashion-mnist python3-sklearn).
# A failing cell makes dotnet-repl exit non-zero (2); this script then stops with that notebook's name.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export BLORA_PROFILE="${BLORA_PROFILE:-smoke}"
export BLORA_PNG="${BLORA_PNG:-required}"
# Executed copies keep each chart as a PNG and each progress view in its final state (NotebookCharts): a few MB in all.
export BLORA_NOTEBOOK_CHARTS="${BLORA_NOTEBOOK_CHARTS:-static}"
start=$(date +%s)

# The build links the libtorch of BLORA_DEVICE (Directory.Build.props, docs/gpu.md): cuda builds the CUDA variant. The paper
# profile computes on cuda unless BLORA_DEVICE says otherwise, so it builds that variant too.
if [ "$BLORA_PROFILE" = paper ]; then export BLORA_DEVICE="${BLORA_DEVICE:-cuda}"; fi
if ! dotnet build -c Release BlockLora.Research.sln --nologo -v quiet; then
  case "${BLORA_DEVICE:-cpu}" in
    cuda*) echo "run-all: the CUDA build (BLORA_DEVICE=$BLORA_DEVICE) failed: it needs the NuGet package libtorch-cuda-12.8-linux-x64 from nuget.org (see warning BLORA002 above, docs/gpu.md), or set BLORA_DEVICE=cpu" >&2 ;;
  esac
  exit 2
fi
dotnet tool restore

if [ "$BLORA_PROFILE" = smoke ] && [ "${BLORA_KEEP_RESULTS:-0}" != 1 ] && [ $# -eq 0 ]; then
  # Smoke results are regenerated on every full run (the task writer is deterministic and skips unchanged data); a run of
  # named notebooks keeps the store, since 06 alone only reads what 04 and 05 wrote.
  find results/smoke -mindepth 1 -maxdepth 1 ! -name data -exec rm -rf {} + 2>/dev/null || true
  rm -rf results/figures/smoke
fi

mkdir -p results/notebooks
if [ $# -gt 0 ]; then names=("$@"); else names=(00-setup 01-data 02-zero-shot 03-train 04-ablation 05-comparisons 06-paper-tables); fi
for name in "${names[@]}"; do
  name="${name%.ipynb}"
  t0=$(date +%s)
  echo "== $name ($BLORA_PROFILE)"
  # dotnet-repl resolves '#!import setup.csx' and the '#r ../src/...' paths from the working directory: notebooks/.
  if ! (cd notebooks && dotnet dotnet-repl --run "$name.ipynb" --exit-after-run \
          --output-path "../results/notebooks/$name.ipynb" < /dev/null); then
    echo "run-all: $name failed (see the error output in results/notebooks/$name.ipynb)" >&2
    exit 2
  fi
  # The executed copy says what it is and where to run it: its '#!import setup.csx' resolves from notebooks/ only.
  python3 - "results/notebooks/$name.ipynb" "$name" "$BLORA_PROFILE" <<'PY'
import json, sys, datetime
path, name, profile = sys.argv[1:4]
nb = json.load(open(path, encoding="utf-8"))
note = (f"*Executed copy* of `notebooks/{name}.ipynb`, written by `notebooks/run-all.sh` ({profile} profile, "
        f"{datetime.date.today().isoformat()}). Charts are saved as pictures; the interactive figures are in "
        f"`results/figures/{profile}/`. To run it, open `notebooks/{name}.ipynb` (its `#!import setup.csx` resolves from "
        f"`notebooks/`), or run `bash notebooks/run-all.sh {name}`.")
nb["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": [note]})
json.dump(nb, open(path, "w", encoding="utf-8"), indent=1, ensure_ascii=False)
PY
  echo "== $name done in $(( $(date +%s) - t0 ))s"
done
echo "run-all: ${#names[@]} notebook(s) in $(( $(date +%s) - start ))s; executed copies in results/notebooks/"
