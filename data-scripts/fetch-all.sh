#!/usr/bin/env bash
# Fetches every dataset (the 11 CoOp datasets and the ImageNet variants) into the CoOp layout under ROOT.
# A dataset whose host fails does not stop the others; the run ends with the steps left to do by hand.
# Usage: fetch-all.sh ROOT [--dry-run] [--keep-archives]
#   The automatic downloads total about 60 GB (SUN397 alone is 37 GB); archives are deleted once arranged,
#   but the largest one and its extracted copy coexist for a while: plan for ~110 GB free.
#   ImageNet itself (~147 GB) needs an account and is left to you.
set -euo pipefail
if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then grep '^#' "$0" | tail -n +2 | sed 's/^# \{0,1\}//'; exit 2; fi
root="$1"; shift
exec dotnet run --project "$(dirname "$0")/../src/BlockLora.Cli" -c Release -- data fetch all "$root" "$@"
