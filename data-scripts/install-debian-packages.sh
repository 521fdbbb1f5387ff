#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the demo, its tests and the workbook read, if they are missing:
#   dataset-fashion-mnist  the demo's images (Fashion-MNIST, MIT)
#   python3-sklearn        the demo's second task (scikit-learn's 8x8 handwritten digits)
#   chromium               PNG copies of the Plotly figures (headless)
# Runs apt-get through sudo unless already root; does nothing when everything is there.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-debian-packages: not root and no sudo; as root run: apt-get install -y dataset-fashion-mnist python3-sklearn chromium" >&2; exit 2; }
  SUDO="sudo"
fi
need=()
command -v chromium >/dev/null || need+=(chromium)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
[ -f /usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz ] || need+=(python3-sklearn)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
