#!/usr/bin/env bash
# make bench: installs what the benchmark needs when missing (ripgrep, GNU time and valgrind
# from Debian's packages, pyahocorasick from PyPI), then runs bench/run.py.
# Sizes: BENCH_SIZES="50 500" (MB). Writes docs/performance.md with --write-docs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps
missing=()
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -x /usr/bin/time ] || missing+=(time)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
python3 -c "import ahocorasick" 2>/dev/null || python3 -m pip install -q pyahocorasick
exec python3 bench/run.py "$@"
