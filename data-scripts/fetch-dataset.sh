#!/usr/bin/env bash
# Downloads, extracts and arranges one dataset into the CoOp layout under ROOT, then lists what is left
# to do by hand (CoOp's split_zhou_*.json files, ImageNet, ...). See data-scripts/README.md.
# Usage: fetch-dataset.sh NAME ROOT [--dry-run] [--keep-archives]
#   NAME  ImageNet Caltech101 OxfordPets StanfordCars Flowers102 Food101 FGVCAircraft SUN397 DTD EuroSAT
#         UCF101 ImageNetV2 ImageNetSketch ImageNetA ImageNetR (CoOp folder names such as oxford_pets work too)
#   --dry-run        list the steps only (no network, nothing written)
#   --keep-archives  keep downloaded archives in ROOT/archives after arranging them
set -euo pipefail
if [[ $# -lt 2 || "$1" == "-h" || "$1" == "--help" ]]; then grep '^#' "$0" | tail -n +2 | sed 's/^# \{0,1\}//'; exit 2; fi
name="$1"; root="$2"; shift 2
exec dotnet run --project "$(dirname "$0")/../src/BlockLora.Cli" -c Release -- data fetch "$name" "$root" "$@"
