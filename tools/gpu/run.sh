#!/usr/bin/env bash
# The one command for the remote GPU machine (see /work/shared/GPU.md): unpacks what
# tools/gpu/prepare.sh put in .gpu/ (carry [".gpu"]), checks that WebGPU sees a real GPU, runs the
# kernel tests, the benchmarks (and the PyTorch peer figure), trains the model zoo with epochs
# chosen from the measured speed, and packs it all under $OUT. It ends by itself within
# GPU_BUDGET_S seconds (default 530) and leaves at most 5 files in $OUT: log.txt, summary.md,
# gpu-results.tar.gz (re-packed after every step, so a kill still leaves the latest) and
# gpu-states.tar.gz (+ gpu-states-2.tar.gz; training states, for --resume).
# Every step has its own time limit and the next one runs whatever the last one did.
#
#   bash tools/gpu/run.sh                          # on the GPU machine
#   GPU_TINY=1 OUT=$(mktemp -d) bash tools/gpu/run.sh   # here, on llvmpipe: tiny settings
#
# Environment: OUT (default ./gpu-out), GPU_BUDGET_S, GPU_TINY=1, GPU_WORK (staging folder,
# default a new /tmp/gpu-work.*), GPU_JOBS (trainings, "dir:model:fixed-epochs ...", see step e),
# GPU_LANES (trainings side by side, default 2), GPU_SLOWDOWN (assumed slowdown of each when side
# by side, default GPU_LANES), GPU_SKIP (steps to leave out: tests,bench,profile,peer), GPU_TINY_LIMIT and
# GPU_TINY_EPOCHS (tiny mode's training images and epochs, default 1000 and 1).
# Afterwards, here: deno run -A tools/gpu/merge.ts gpu-out/gpu-results.tar.gz
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
TINY=${GPU_TINY:-0}
if [[ $TINY == 1 ]]; then BUDGET=${GPU_BUDGET_S:-200}; else BUDGET=${GPU_BUDGET_S:-530}; fi
START=$(date +%s)
DEADLINE=$((START + BUDGET))
OUT=${OUT:-$ROOT/gpu-out}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd) || exit 1
# Everything is staged outside $OUT: only a few files may come back from there, and a run killed
# half-way must not leave hundreds.
WORK=${GPU_WORK:-$(mktemp -d /tmp/gpu-work.XXXXXX)}
mkdir -p "$WORK"/{results,models,train,eval,plan,probe,bin,fm} && WORK=$(cd "$WORK" && pwd)
LOG=$OUT/log.txt
: >"$LOG"
# Every line of output, ours and the commands', is time-stamped into the log and shown.
exec > >(while IFS= read -r line; do printf '%(%H:%M:%S)T %s\n' -1 "$line"; done |
  tee -a "$LOG") 2>&1
LOGGER_PID=$!

PACK_RESERVE=${GPU_PACK_RESERVE:-20} # seconds kept for the final summary and packing
elapsed() { echo $(($(date +%s) - START)); }
left() { echo $((DEADLINE - $(date +%s))); }
# On stderr, so that a step whose stdout goes to a file still logs its start and end.
log() { echo "[+$(elapsed)s, $(left)s left] $*" >&2; }
# limit WANT RESERVE: WANT seconds, or less so that RESERVE seconds stay before the deadline.
limit() {
  local l=$(($(left) - $2))
  ((l < $1)) && echo "$l" || echo "$1"
}
# step NAME SECONDS CMD...: runs CMD under its time limit, logs start, end, status, duration.
STEP_RC=0
step() {
  local name=$1 t=$2 s
  shift 2
  if ((t < 5)); then
    log "$name: skipped (no time left: ${t}s)"
    STEP_RC=124
    return 124
  fi
  log "$name: start (limit ${t}s): $*"
  s=$(date +%s)
  timeout -k 10 "$t" "$@"
  STEP_RC=$?
  local what="exit $STEP_RC"
  ((STEP_RC == 124 || STEP_RC == 137)) && what="TIMED OUT after ${t}s"
  log "$name: end, $what, $(($(date +%s) - s))s"
  return $STEP_RC
}

skip() { [[ ,${GPU_SKIP:-}, == *,$1,* ]] && log "$1: skipped (GPU_SKIP)"; }

# Archive of everything staged so far; written beside and renamed, so a kill keeps the last one.
pack() {
  cp "$LOG" "$WORK/log.txt" 2>/dev/null
  (cd "$WORK" && tar czf "$OUT/.gpu-results.tar.gz.tmp" --exclude=training-state.safetensors \
    --exclude='*.tmp' log.txt $(ls -d adapter.json nvidia-smi.txt env.txt results models train \
      eval plan probe tests.txt summary.json summary.md 2>/dev/null)) &&
    mv "$OUT/.gpu-results.tar.gz.tmp" "$OUT/gpu-results.tar.gz"
}

log "run.sh: tiny=$TINY budget=${BUDGET}s OUT=$OUT WORK=$WORK jobs=${GPU_JOBS:-default}"
log "git: $(git log -1 --format='%h %s' 2>/dev/null | cut -c1-100)"

# --- a. unpack ------------------------------------------------------------------------------
log "a. unpack"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,utilization.gpu \
    --format=csv,noheader
  timeout 20 nvidia-smi >"$WORK/nvidia-smi.txt" 2>&1
else
  log "no nvidia-smi"
fi
# The Vulkan loader (and glvnd's GL/EGL libraries) from the .debs, into a folder of their own on
# the library path (no root needed); as GPU.md says also into / when the system has no loader.
VKROOT=$WORK/vkroot
extract_deb() { # extract_deb DEB DIR
  if command -v dpkg >/dev/null; then
    dpkg -x "$1" "$2"
  else
    python3 - "$1" "$2" <<'PY'
import io, sys, tarfile
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"!<arch>\n", "not an ar archive"
pos = 8
while pos < len(data):
    head = data[pos:pos + 60]
    name, size = head[:16].decode().strip().rstrip("/"), int(head[48:58])
    body = data[pos + 60:pos + 60 + size]
    pos += 60 + size + (size & 1)
    if name.startswith("data.tar"):
        tarfile.open(fileobj=io.BytesIO(body)).extractall(sys.argv[2])
PY
  fi
}
debs=(.gpu/*.deb)
if [[ -e ${debs[0]} ]]; then
  for f in "${debs[@]}"; do extract_deb "$f" "$VKROOT" || log "extracting $f failed"; done
  export LD_LIBRARY_PATH=$VKROOT/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  if [[ $TINY != 1 ]] && ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 ' && [[ -w / ]]; then
    log "no system Vulkan loader: dpkg -x into / and ldconfig (GPU.md)"
    for f in "${debs[@]}"; do extract_deb "$f" / || log "extracting $f into / failed"; done
    ldconfig
  fi
else
  log "no .gpu/*.deb (run tools/gpu/prepare.sh here first)"
fi
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [[ -d $d ]] && export LD_LIBRARY_PATH=$LD_LIBRARY_PATH:$d
done
if [[ $TINY != 1 ]]; then
  icd=""
  for c in ${VK_DRIVER_FILES:-} /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json \
    /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    [[ -f $c ]] && icd=$c && break
  done
  if [[ -z $icd ]]; then
    icd=$(timeout 20 find /usr /etc /opt -name 'nvidia_icd*.json' 2>/dev/null | head -1)
  fi
  if [[ -n $icd ]]; then
    export VK_DRIVER_FILES=$icd
    log "VK_DRIVER_FILES=$icd: $(tr -d '\n ' <"$icd" | cut -c1-200)"
  else
    log "no nvidia_icd.json found; leaving VK_DRIVER_FILES unset"
  fi
fi
unxz_to() { # unxz_to FILE.xz OUT (Python's lzma where there is no xz)
  if command -v xz >/dev/null; then
    xz -dc "$1" >"$2"
  else
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  fi
}
DENO=$WORK/bin/deno
if [[ -s .gpu/deno.xz ]]; then
  unxz_to .gpu/deno.xz "$DENO" && chmod +x "$DENO"
else
  log "no .gpu/deno.xz; using $(command -v deno)"
  DENO=$(command -v deno)
fi
for f in .gpu/data/*.xz; do
  [[ -e $f ]] && unxz_to "$f" "$WORK/fm/$(basename "$f" .xz)"
done
if [[ -s $WORK/fm/train-images-idx3-ubyte ]]; then
  export FASHION_MNIST_DIR=$WORK/fm
else
  log "no data in .gpu/data; train finds the data where it usually does"
fi
export DENO_WEBGPU_BACKEND=${DENO_WEBGPU_BACKEND:-vulkan}
# A fresh Deno cache: nothing run here may need the npm registry (there is none on the GPU
# machine), and --cached-only makes any attempt fail at once instead of waiting on the network.
export DENO_DIR=$WORK/deno-dir DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
DRUN=("$DENO" run -A --no-check --cached-only)
log "deno: $("$DENO" --version | head -1); data: $(ls "$WORK/fm" | tr '\n' ' ')"
env | grep -E '^(VK_|LD_LIBRARY|NVIDIA|CUDA_VISIBLE|DENO_|FASHION|XDG_)' | sort | tee "$WORK/env.txt"

# --- b. adapter ---------------------------------------------------------------------------------
log "b. adapter"
adapter_try() {
  step "adapter ($DENO_WEBGPU_BACKEND, VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset})" 30 \
    "${DRUN[@]}" tools/gpu/adapter.ts --out "$WORK/adapter.json" \
    $([[ $TINY == 1 ]] && echo --allow-software)
}
diagnostics() {
  log "diagnostics: Vulkan ICDs, loader, environment"
  ls -la /usr/local/nvidia/share/vulkan/icd.d /usr/share/vulkan/icd.d /etc/vulkan/icd.d \
    /usr/share/glvnd/egl_vendor.d 2>&1
  ldconfig -p | grep -iE 'vulkan|nvidia|GLX|EGL|GLdispatch' | head -30
  ls /usr/local/nvidia/lib64 /usr/local/nvidia/lib 2>&1 | head -40
  if [[ -n ${VK_DRIVER_FILES:-} ]]; then
    lib=$(grep -o '"library_path"[^,}]*' "$VK_DRIVER_FILES" | sed 's/.*: *"\(.*\)"/\1/')
    log "ICD library: $lib"
    path=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
    [[ -z $path && -e $lib ]] && path=$lib
    [[ -n $path ]] && ldd "$path" 2>&1 | grep -E 'not found|GLdispatch|libc\.' | head
  fi
  timeout 20 find /usr /lib /lib64 /opt -name 'libGLX_nvidia.so*' -o -name 'libnvidia-gl*.so*' \
    -o -name 'libEGL_nvidia.so*' 2>/dev/null | head
  timeout 30 python3 -c 'import torch; print("torch", torch.__version__, "cuda",
    torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")'
  VK_LOADER_DEBUG=error,warn,driver timeout 30 "${DRUN[@]}" tools/gpu/adapter.ts \
    --allow-software 2>&1 | grep -v '^ ' | tail -60
}
adapter_try
if [[ $TINY != 1 && $STEP_RC != 0 ]]; then
  diagnostics
  if [[ -n ${VK_DRIVER_FILES:-} ]]; then
    saved_icd=$VK_DRIVER_FILES
    unset VK_DRIVER_FILES
    adapter_try || export VK_DRIVER_FILES=$saved_icd
  fi
  if [[ $STEP_RC != 0 ]]; then
    export DENO_WEBGPU_BACKEND=gl
    adapter_try || export DENO_WEBGPU_BACKEND=vulkan
  fi
  if [[ $STEP_RC != 0 ]]; then
    log "b. FAILED: no hardware adapter (see above); a software adapter's figures are not GPU figures"
    pack
    log "packed: $(ls -l "$OUT" | tail -n +2 | awk '{ print $5, $9 }' | tr '\n' ' ')"
    exit 1
  fi
fi
log "adapter: $(grep -o '"description": "[^"]*"' "$WORK/adapter.json" 2>/dev/null)," \
  "backend $DENO_WEBGPU_BACKEND"

# Each step's time limit keeps R_* seconds for what follows it (training most of all).
if [[ $TINY == 1 ]]; then
  R_TESTS=120 R_BENCH=90 R_PEER=80
  TESTS=(tests/ops/global_avg_pool_test.ts)
else
  R_TESTS=240 R_BENCH=200 R_PEER=180
  TESTS=(tests/ops tests/autograd tests/nn tests/optim tests/augment tests/gpu)
fi

# --- d. benchmarks ------------------------------------------------------------------------------
log "d. benchmarks"
[[ -f results/bench.json ]] && cp results/bench.json "$WORK/results/bench.json"
export BENCH_RESULTS=$WORK/results BENCH_NO_CHARTS=1
BENCH=("$DENO" bench -P --no-check --cached-only)
if skip bench; then
  :
elif [[ $TINY == 1 ]]; then
  BENCH_MODELS=cnn step "bench training" "$(limit 60 $((PACK_RESERVE + R_BENCH)))" \
    "${BENCH[@]}" --filter "train cnn batch 128" bench/training_bench.ts
  step "bench kernels" "$(limit 40 $((PACK_RESERVE + R_BENCH)))" "${BENCH[@]}" --filter "matmul 256" \
    bench/kernels_bench.ts
else
  # Training first: its images/s choose the epochs below.
  step "bench training" "$(limit 75 $((PACK_RESERVE + R_BENCH)))" "${BENCH[@]}" \
    bench/training_bench.ts
  step "bench kernels" "$(limit 60 $((PACK_RESERVE + R_BENCH)))" "${BENCH[@]}" bench/kernels_bench.ts
fi
# The step profiler (recording ms, dispatches, creations per step; GPU time per kernel by
# timestamp queries where they hold) for cnn and resnet, one JSON each.
if ! skip profile; then
  if [[ $TINY == 1 ]]; then prof=(--batch 8 --steps 1 --repeat 1); else prof=(--batch 128 --steps 5); fi
  for m in cnn resnet; do
    step "profile $m" "$(limit 60 $((PACK_RESERVE + R_BENCH)))" "$DENO" run -A --no-check \
      --cached-only src/cli/profile.ts --model "$m" "${prof[@]}" --json >"$WORK/results/profile-$m.json"
    [[ -s $WORK/results/profile-$m.json ]] || rm -f "$WORK/results/profile-$m.json"
  done
fi
if skip peer; then
  :
elif [[ -f bench/peer_bench.ts ]]; then
  # One PyTorch round per batch size: each starts a Python process (torch import, CUDA set-up).
  PEER_ROUNDS=${PEER_ROUNDS:-1} step "bench peer" "$(limit 90 $((PACK_RESERVE + R_PEER)))" "${BENCH[@]}" bench/peer_bench.ts
elif [[ -f bench/torch_cnn.py ]]; then
  if [[ $TINY == 1 ]]; then peer=(--device cpu --batch-sizes 32); else
    peer=(--device cuda --batch-sizes 32,128,512)
  fi
  step "torch peer" "$(limit 90 $((PACK_RESERVE + R_PEER)))" \
    python3 bench/torch_cnn.py "${peer[@]}" --json >"$WORK/results/torch_cnn.json"
  [[ -s $WORK/results/torch_cnn.json ]] || rm -f "$WORK/results/torch_cnn.json"
else
  log "no bench/peer_bench.ts or bench/torch_cnn.py: no PyTorch figure"
fi
pack

# --- e. training --------------------------------------------------------------------------------
# Jobs are "dir:model:fixed-epochs" (fixed epochs, e.g. for candidate recipes of the default run
# that must train exactly as long as it). They run in GPU_LANES processes side by side (default
# 2), one after another within a lane (dealt round-robin in list order): one process leaves a big
# GPU mostly idle (each step is ~60-170 small dispatches recorded by one JS thread), but on an
# H200 nine at once each ran 5-8x slower than alone, and all were cut. Each job plans its epochs
# from its model's images/s measured alone in step d, times GPU_SLOWDOWN (default: the number of
# lanes) for the sharing, sharing what is left of the window with the jobs after it in its lane
# (tools/gpu/common.ts's weights): a run cut mid-schedule would be a poor result.
if [[ $TINY == 1 ]]; then
  JOBS=${GPU_JOBS:-cnn:cnn: mlp:mlp:}
else
  JOBS=${GPU_JOBS:-resnet:resnet: cnn-deep:cnn-deep: mobilenet:mobilenet: cnn:cnn: \
cnn-strided:cnn-strided: mlp:mlp:}
fi
LANES=${GPU_LANES:-2}
SLOWDOWN=${GPU_SLOWDOWN:-$LANES}
OVERHEAD=20 # seconds per run besides its epochs: start-up, data, compiles, test
EVAL_RESERVE=25 # kept after the trainings for their test accuracies
((TINY == 1)) && OVERHEAD=40 && SLOWDOWN=1
log "e. training in $LANES lanes: $JOBS (slowdown assumed ${SLOWDOWN}x)"
recipe() { # recipe DIR: the job's training flags
  case $1 in
  # The recipe that reached 94.42% in 40 epochs on llvmpipe (docs/measurements.md).
  resnet) echo --optimizer adamw --lr 3e-3 --lr-schedule onecycle \
    --augment flip,shift=2,erase=0.25 --label-smoothing 0.1 --tta ;;
  cnn-deep | mobilenet | cnn-strided | cnn) echo --optimizer adamw --lr 3e-3 \
    --lr-schedule onecycle --augment flip,shift=2 --label-smoothing 0.1 ;;
  cnn-default-plain) echo --optimizer adamw --lr 3e-3 --lr-schedule onecycle --label-smoothing 0.1 ;;
  cnn-default-flip) echo --optimizer adamw --lr 3e-3 --lr-schedule onecycle --augment flip \
    --label-smoothing 0.1 ;;
  cnn-default-flipshift) echo --optimizer adamw --lr 3e-3 --lr-schedule onecycle \
    --augment flip,shift=2 --label-smoothing 0.1 ;;
  mlp) echo --optimizer adam --lr 1e-3 --lr-schedule cosine ;;
  *) echo --optimizer adam ;;
  esac
}
TRAIN=("${DRUN[@]}" src/cli/train.ts)
train_job() { # train_job DIR MODEL FIXED_EPOCHS LATER_MODELS (the models after it in its lane)
  local dir=$1 model=$2 fixed=$3 rest=$4 epochs budget args t s rc wall cut
  budget=$(($(left) - PACK_RESERVE - EVAL_RESERVE))
  if [[ -n $fixed ]]; then
    epochs=$fixed
  else
    epochs=$("${DRUN[@]}" tools/gpu/plan.ts --bench "$WORK/results/bench.json" \
      --adapter "$WORK/adapter.json" --budget "$budget" --models "$model${rest:+,$rest}" \
      --overhead "$OVERHEAD" --slowdown "$SLOWDOWN" --out "$WORK/plan/$dir.json")
  fi
  if [[ ! $epochs =~ ^[0-9]+$ ]]; then
    # No bench figure for it: a few epochs, cut by the window if need be.
    log "$dir: no measured speed ($epochs): 5 epochs"
    epochs=5
  fi
  local extra=()
  if [[ $TINY == 1 ]]; then
    log "$dir: the plan says $epochs epochs; tiny mode trains ${GPU_TINY_EPOCHS:-1}" \
      "on ${GPU_TINY_LIMIT:-1000} images"
    epochs=${GPU_TINY_EPOCHS:-1} extra=(--limit "${GPU_TINY_LIMIT:-1000}")
  fi
  args=(--model "$model" --epochs "$epochs" --seed 1 --batch-size 128 --val-split 0.1
    --checkpoint best --tta $(recipe "$dir") "${extra[@]}" --out "$WORK/models/$dir" --json)
  t=$(limit 100000 $((PACK_RESERVE + EVAL_RESERVE)))
  s=$(date +%s)
  step "train $dir" "$t" "${TRAIN[@]}" "${args[@]}" >"$WORK/train/$dir.json" \
    2>"$WORK/train/$dir.err"
  rc=$STEP_RC
  tail -n 4 "$WORK/train/$dir.err" >&2
  wall=$(($(date +%s) - s))
  cut=false
  ((rc == 124 || rc == 137)) && cut=true
  [[ -s $WORK/train/$dir.json ]] || rm -f "$WORK/train/$dir.json"
  printf '{"name":"%s","model":"%s","epochsPlanned":%d,"exitCode":%d,"cut":%s,"wallSeconds":%d,"command":"%s"}\n' \
    "$dir" "$model" "$epochs" "$rc" "$cut" "$wall" "deno task train ${args[*]}" \
    >"$WORK/train/$dir.meta.json"
  $cut && log "$dir: CUT by its time limit; the model on disk is its last checkpointed epoch"
  # Test accuracy with and without flip TTA (train's own figure is the TTA one, and a cut run
  # has none). src/cli/predict.ts would pull the baselines' npm packages in: not here.
  if [[ -s $WORK/models/$dir/weights.safetensors ]]; then
    local elimit=()
    [[ $TINY == 1 ]] && elimit=(--limit 1000)
    step "test accuracy $dir" "$(limit 60 $PACK_RESERVE)" \
      "${DRUN[@]}" tools/gpu/test_accuracy.ts --model "$WORK/models/$dir" "${elimit[@]}" \
      >"$WORK/eval/$dir.json"
    [[ -s $WORK/eval/$dir.json ]] || rm -f "$WORK/eval/$dir.json"
  fi
}
# --- c. kernel tests, alone before the trainings (beside them, on the H200, their many small
# waits did not finish in time) ---------------------------------------------------------------
log "c. kernel tests"
if ! skip tests; then
  step "tests" "$(limit 120 $((PACK_RESERVE + EVAL_RESERVE + 120)))" "$DENO" test -A --no-check \
    --cached-only "${TESTS[@]}" >"$WORK/tests.txt" 2>&1
  tail -n 40 "$WORK/tests.txt" >&2
fi
read -r -a JOB_LIST <<<"$JOBS"
train_lane() { # train_lane LANE: its jobs one after another
  local i j dir model fixed rest later
  for ((i = $1; i < ${#JOB_LIST[@]}; i += LANES)); do
    IFS=: read -r dir model fixed <<<"${JOB_LIST[i]}"
    rest=""
    for ((j = i + LANES; j < ${#JOB_LIST[@]}; j += LANES)); do
      IFS=: read -r _ later _ <<<"${JOB_LIST[j]}"
      rest+="${rest:+,}$later"
    done
    train_job "$dir" "$model" "$fixed" "$rest"
    pack_lock
  done
}
# Lanes pack after each job, one at a time.
pack_lock() { (flock 9 && pack) 9>"$WORK/.pack.lock"; }
PIDS=()
for ((lane = 0; lane < LANES; lane++)); do
  train_lane "$lane" &
  PIDS+=($!)
done
MODEL_LIST=()
for job in $JOBS; do MODEL_LIST+=("${job%%:*}"); done
wait "${PIDS[@]}"
pack

# --- f. summary and packing ---------------------------------------------------------------------
log "f. summary"
timeout 20 "${DRUN[@]}" tools/gpu/summarize.ts "$WORK" && cp "$WORK/summary.md" "$OUT/summary.md"
pack
# Training states (weights + optimizer moments, for --resume) in archives of at most ~15 MiB
# before compression (float data hardly compresses; 16 MiB is the most a file may have to come
# back): gpu-states.tar.gz, gpu-states-2.tar.gz, ...
group=() group_bytes=0 part=1
pack_states() {
  ((${#group[@]})) || return 0
  local name=gpu-states.tar.gz
  ((part > 1)) && name=gpu-states-$part.tar.gz
  (cd "$WORK" && tar czf "$OUT/.$name.tmp" "${group[@]}") && mv "$OUT/.$name.tmp" "$OUT/$name"
  if (($(stat -c %s "$OUT/$name") > 16 * 1024 * 1024)); then
    log "$name is over 16 MiB: dropped (it would not come back)"
    rm -f "$OUT/$name"
  fi
  part=$((part + 1)) group=() group_bytes=0
}
for m in "${MODEL_LIST[@]}"; do
  f=models/$m/training-state.safetensors
  [[ -s $WORK/$f ]] || continue
  bytes=$(stat -c %s "$WORK/$f")
  ((group_bytes + bytes > ${GPU_STATES_MIB:-15} * 1024 * 1024)) && pack_states
  group+=("$f") group_bytes=$((group_bytes + bytes))
done
pack_states
rm -f "$OUT"/.*.tmp
log "done: $(ls -l "$OUT" | tail -n +2 | awk '{ print $5, $9 }' | tr '\n' ' ')"
exec >&- 2>&-
wait "$LOGGER_PID" 2>/dev/null
exit 0
