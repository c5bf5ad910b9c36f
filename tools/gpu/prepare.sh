#!/usr/bin/env bash
# Makes .gpu/ (ignored by git, carried to the remote GPU machine with carry [".gpu"]) as
# /work/shared/GPU.md's "Once" section says: the deno binary and the four Fashion-MNIST files,
# each xz'd, and the Vulkan loader's .debs for amd64 (that machine has no Deno, no data, no
# Vulkan loader and no network). Idempotent: what is already there and up to date is kept.
#   bash tools/gpu/prepare.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

DATA_SRC=${FASHION_MNIST_SRC:-/usr/share/datasets/fashion-mnist}
FILES=(train-images-idx3-ubyte t10k-images-idx3-ubyte train-labels-idx1-ubyte t10k-labels-idx1-ubyte)
DEBS=(libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
THREADS=${XZ_THREADS:-2}

grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo /.gpu/ >>.git/info/exclude
mkdir -p .gpu/data

# xz'd into a temporary file, then renamed: an interrupted run leaves no half file behind.
squeeze() { # squeeze OUT (stdin → OUT)
  xz -T"$THREADS" -9 >"$1.tmp" && mv "$1.tmp" "$1"
}

deno_bin=$(readlink -f "$(command -v deno)")
deno_version=$(deno --version | head -1)
if [[ -s .gpu/deno.xz && "$(cat .gpu/deno.version 2>/dev/null)" == "$deno_version" ]]; then
  echo "deno.xz: up to date ($deno_version)"
else
  echo "deno.xz: compressing $deno_bin ($deno_version) ..."
  squeeze .gpu/deno.xz <"$deno_bin"
  echo "$deno_version" >.gpu/deno.version
fi

for f in "${FILES[@]}"; do
  if [[ -s .gpu/data/$f.xz ]]; then
    echo "data/$f.xz: present"
    continue
  fi
  if [[ -f $DATA_SRC/$f.gz ]]; then
    echo "data/$f.xz: from $DATA_SRC/$f.gz ..."
    zcat "$DATA_SRC/$f.gz" | squeeze ".gpu/data/$f.xz"
  elif [[ -f $DATA_SRC/$f ]]; then
    squeeze ".gpu/data/$f.xz" <"$DATA_SRC/$f"
  else
    echo "prepare: $DATA_SRC has no $f(.gz); apt-get install dataset-fashion-mnist" >&2
    exit 1
  fi
done

missing=()
for p in "${DEBS[@]}"; do compgen -G ".gpu/${p}_*_amd64.deb" >/dev/null || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "debs: downloading ${missing[*]} (amd64) ..."
  mkdir -p /tmp/amd64/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  apt-get "${o[@]}" -qq update
  (cd .gpu && apt-get "${o[@]}" -qq download "${missing[@]}")
else
  echo "debs: present"
fi

echo
echo "== .gpu contents"
find .gpu -type f ! -name '*.tmp' -printf '%10s  %p\n' | sort -k2
gpu_bytes=$(du -cb .gpu | tail -1 | cut -f1)
tree_bytes=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | awk 'END { print $1 }')
untracked=$(git ls-files -z --others --exclude-standard | xargs -0 -r du -cb 2>/dev/null |
  awk 'END { print $1 + 0 }')
total=$((gpu_bytes + tree_bytes + untracked))
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo ".gpu: $(mib "$gpu_bytes"); tracked tree: $(mib "$tree_bytes");" \
  "untracked, not ignored: $(mib "$untracked"); travels: $(mib "$total") (limit 64 MiB)"
if ((total > 60 * 1048576)); then
  echo "prepare: WARNING: over 60 MiB travel; the carry limit is 64 MiB in all" >&2
fi
