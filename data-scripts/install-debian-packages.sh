#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages a purpose needs, if they are missing:
#   install-debian-packages.sh demo   what `blora demo` and the notebooks' smoke profile read:
#     dataset-fashion-mnist  the demo's images (Fashion-MNIST, MIT)
#     python3-sklearn        the demo's second task (scikit-learn's 8x8 handwritten digits)
#     chromium               PNG copies of the Plotly figures (headless)
#   install-debian-packages.sh test   (also: all; the default) the demo's, and what the tests start:
#     python3-torch          the bench's PyTorch twin (bench/pytorch_twin.py imports torch; Debian's 1.13 for /usr/bin/python3)
#     python3-numpy          torch's own import of numpy (a dependency, listed so a missing one is named)
#     libopenblas0-pthread   points libblas.so.3 at OpenBLAS; without it the twin's torch uses the ~10x slower reference BLAS
#     slurmctld slurmd slurm-client munge
#                            the Slurm job-array tests start a one-node cluster (tests/BlockLora.TestSupport/LocalSlurmCluster.cs;
#                            it needs root: without root those tests show as skipped with the reason)
# Runs apt-get through sudo unless already root; does nothing when everything is there.
set -euo pipefail
mode="${1:-all}"
demo_packages=(dataset-fashion-mnist python3-sklearn chromium)
test_packages=(python3-torch python3-numpy libopenblas0-pthread slurmctld slurmd slurm-client munge)
case "$mode" in
  demo) wanted=("${demo_packages[@]}") ;;
  test|all) wanted=("${demo_packages[@]}" "${test_packages[@]}") ;;
  *) echo "install-debian-packages: unknown purpose '$mode' (use demo, test or all)" >&2; exit 2 ;;
esac

# Whether a package's payload is here, by a file it installs (dpkg may be absent or lie in a container).
present() {
  case "$1" in
    chromium) command -v chromium >/dev/null ;;
    dataset-fashion-mnist) [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] ;;
    python3-sklearn) [ -f /usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz ] ;;
    python3-torch) [ -f /usr/lib/python3/dist-packages/torch/__init__.py ] ;;
    python3-numpy) [ -f /usr/lib/python3/dist-packages/numpy/__init__.py ] ;;
    libopenblas0-pthread) compgen -G '/usr/lib/*/openblas-pthread/libblas.so.3' >/dev/null ;;
    # The daemons live in /usr/sbin, which a non-root PATH may lack.
    slurmctld) command -v slurmctld >/dev/null || [ -x /usr/sbin/slurmctld ] ;;
    slurmd) command -v slurmd >/dev/null || [ -x /usr/sbin/slurmd ] ;;
    slurm-client) command -v sbatch >/dev/null ;;
    munge) command -v munged >/dev/null || [ -x /usr/sbin/munged ] ;;
    *) return 1 ;;
  esac
}

need=()
for package in "${wanted[@]}"; do present "$package" || need+=("$package"); done
if [ "${BLORA_INSTALL_DRY_RUN:-0}" = 1 ]; then
  echo "install-debian-packages $mode: wanted ${wanted[*]}; missing ${need[*]:-none}"
  exit 0
fi
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-debian-packages: not root and no sudo; as root run: apt-get install -y ${need[*]}" >&2; exit 2; }
  SUDO="sudo"
fi
echo "installing: ${need[*]}"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
