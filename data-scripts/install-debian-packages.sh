#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the demo, its tests and the workbook read, if they are missing:
#   dataset-fashion-mnist  the demo's images (Fashion-MNIST, MIT)
#   python3-sklearn        the demo's second task (scikit-learn's 8x8 handwritten digits)
#   chromium               PNG copies of the Plotly figures (headless)
#   python3-torch          the bench's PyTorch twin (bench/pytorch_twin.py imports torch; Debian's 1.13 for /usr/bin/python3)
#   python3-numpy          torch's own import of numpy (a dependency, listed so a missing one is named)
#   libopenblas0-pthread   points libblas.so.3 at OpenBLAS; without it the twin's torch uses the ~10x slower reference BLAS
#   slurmctld slurmd slurm-client munge
#                          the Slurm job-array tests start a one-node cluster (tests/BlockLora.TestSupport/LocalSlurmCluster.cs;
#                          they need root; without it set BLORA_SKIP_SLURM_TESTS=1 to opt out)
# Runs apt-get through sudo unless already root; does nothing when everything is there.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-debian-packages: not root and no sudo; as root run: apt-get install -y dataset-fashion-mnist python3-sklearn chromium python3-torch python3-numpy libopenblas0-pthread slurmctld slurmd slurm-client munge" >&2; exit 2; }
  SUDO="sudo"
fi
need=()
command -v chromium >/dev/null || need+=(chromium)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
[ -f /usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz ] || need+=(python3-sklearn)
[ -f /usr/lib/python3/dist-packages/torch/__init__.py ] || need+=(python3-torch)
[ -f /usr/lib/python3/dist-packages/numpy/__init__.py ] || need+=(python3-numpy)
compgen -G '/usr/lib/*/openblas-pthread/libblas.so.3' >/dev/null || need+=(libopenblas0-pthread)
# The daemons live in /usr/sbin, which a non-root PATH may lack.
command -v slurmctld >/dev/null || [ -x /usr/sbin/slurmctld ] || need+=(slurmctld)
command -v slurmd >/dev/null || [ -x /usr/sbin/slurmd ] || need+=(slurmd)
command -v sbatch >/dev/null || need+=(slurm-client)
command -v munged >/dev/null || [ -x /usr/sbin/munged ] || need+=(munge)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
