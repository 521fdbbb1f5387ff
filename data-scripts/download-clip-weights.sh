#!/usr/bin/env bash
# Downloads an OpenAI CLIP checkpoint and checks the SHA-256 embedded in its URL.
# Usage: download-clip-weights.sh [MODEL] [DEST]
#   MODEL  ViT-B/16 (default), ViT-B/32, ViT-L/14, ViT-L/14@336px, RN50, RN101, RN50x4, RN50x16, RN50x64
#          ("ViT-B-16" works too)
#   DEST   folder for the .pt file (default: ~/.cache/clip, where OpenAI's clip.load looks)
# A file already there with the right hash is kept; an interrupted download resumes.
set -euo pipefail
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then grep '^#' "$0" | tail -n +2 | sed 's/^# \{0,1\}//'; exit 0; fi
model="${1:-ViT-B/16}"
dest="${2:-$HOME/.cache/clip}"
exec dotnet run --project "$(dirname "$0")/../src/BlockLora.Cli" -c Release -- data download-weights "$model" "$dest"
