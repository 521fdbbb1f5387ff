#!/usr/bin/env bash
# The ONNX consumer end to end, for CI: writes the demo's held-out task (blora demo --quick), trains a short fp32
# Block-LoRA run on it, exports its classifier (blora export onnx), and checks that scripts/classify-onnx.cs (ONNX
# Runtime and BlockLora.Imaging only, no TorchSharp) gets exactly the run's recorded top-1 over the whole test split.
# Usage: bash scripts/ci-classify-onnx.sh [WORK_DIR]   (needs dataset-fashion-mnist and python3, as .ci/run installs)
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(realpath -m "${1:-$(mktemp -d)}")"
mkdir -p "$work"
dotnet build src/BlockLora.Cli/BlockLora.Cli.csproj -v quiet -nologo
bin=src/BlockLora.Cli/bin/Debug/net10.0
blora() { dotnet "$bin/blora.dll" "$@"; }

blora demo --quick --no-png --results "$work/demo" > "$work/demo.log"
data="$work/demo/data"
split="$data/fashion-heldout/split_zhou_FashionHeldOut.json"
blora train --model "$bin/demo-model/clip-fashion-tiny.safetensors" --data-root "$data" --dataset FashionHeldOut \
  --method block-lora --blocks 4 --shots 4 --seed 1 --iterations 30 --precision fp32 --results "$work/runs"
adapter="$(find "$work/runs/runs" -name adapter.safetensors | head -n 1)"
report="$(dirname "$adapter")/evaluation-FashionHeldOut-all.json"
blora export onnx --model "$bin/demo-model/clip-fashion-tiny.safetensors" --adapter "$adapter" \
  --dataset FashionHeldOut --data-root "$data" --output "$work/export" --force

line="$(dotnet run scripts/classify-onnx.cs -- --model "$work/export" --test-split "$split" | tail -n 1)"
echo "classify-onnx: $line"
got="$(sed -E 's/.*\(([0-9]+)\/([0-9]+) images.*/\1 \2/' <<< "$line")"
want="$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(c["correct"] for c in r["per_class"]), r["images"], "%.2f" % r["top1"])' "$report")"
echo "recorded: top-1 ${want##* }% (${want% *} correct/images) in $report"
if [[ "$got" != "${want% *}" ]]; then
  echo "FAIL: ONNX Runtime via classify-onnx.cs got $got correct/images, the run recorded ${want% *}" >&2
  exit 1
fi
echo "PASS: classify-onnx.cs equals the recorded accuracy"
