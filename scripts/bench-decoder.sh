#!/usr/bin/env bash
# The decoder layer's time against the sum of its step kernels measured alone, at the same
# shapes, in the same run (issue 16's target: the layer within 10% of the sum). One suite
# holds the layer and each of its steps as a case of its own kind (the shapes the layer's
# plan gives its steps: bench/model/kinds/decoder_layer.c); the script runs it on the cpu
# and opencl backends and prints, per backend and provider, the layer's median, the sum of
# the steps' medians and their ratio. The machine it runs on is what it measures: on a
# shared or loaded host the ratio moves from run to run, so say so with any figure quoted;
# the ratio of the fastest samples (the layer's fastest call against the sum of each step's
# fastest) is printed beside the medians' as the figure a noisy host disturbs least.
# usage: [BACKENDS="cpu"] scripts/bench-decoder.sh [BUILD_DIR] [1b|7b]
# (BACKENDS: the backends to run; default cpu and opencl for 1b, cpu for 7b)
set -euo pipefail
build=${1:-build}
shape=${2:-1b}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$shape" = 7b ]; then
  H=4096 NH=32 KVH=8 HD=128 F=11008 T=32 BACKENDS=${BACKENDS:-cpu}
else # TinyLlama-1.1B, as configs/quick.yaml
  H=2048 NH=32 KVH=4 HD=64 F=5632 T=128 BACKENDS=${BACKENDS:-cpu opencl}
fi
Q=$((NH * HD)) KV=$((KVH * HD))
cat >"$tmp/suite.yaml" <<YAML
suite: bench-decoder
description: "decoder layer (prefill, $T tokens) vs its steps alone"
seed: 42
measure: {warmup_s: 0.2, warmup_min_calls: 2, sample_min_s: 0.02, min_samples: 10, target_cv: 0.02, time_cap_s: 2.0}
kernels:
  - set: steps
    kind: gemm
    dtypes: [f32]
    shapes:
      - {m: $T, n: $Q, k: $H}
      - {m: $T, n: $KV, k: $H}
$([ "$Q" -eq "$H" ] || echo "      - {m: $T, n: $H, k: $Q}")
      - {m: $T, n: $F, k: $H}
      - {m: $T, n: $H, k: $F}
  - set: layer
    kind: decoder_layer
    dtypes: [f32]
    shapes: [{phase: prefill, hidden: $H, heads: $NH, kv_heads: $KVH, head_dim: $HD, ffn: $F, batch: 1, tokens: $T}]
  - {set: s-norm, kind: norm, dtypes: [f32], shapes: [{op: rmsnorm, rows: $T, hidden: $H}]}
  - {set: s-rope-q, kind: rotary, dtypes: [f32], shapes: [{tokens: $T, heads: $NH, head_dim: $HD, theta: 10000, period: $T}]}
  - {set: s-rope-k, kind: rotary, dtypes: [f32], shapes: [{tokens: $T, heads: $KVH, head_dim: $HD, theta: 10000, period: $T}]}
  - {set: s-attn, kind: attention, dtypes: [f32], shapes: [{batch: 1, q_heads: $NH, kv_heads: $KVH, head_dim: $HD, q_len: $T, kv_len: $T, causal: true}]}
  - {set: s-add, kind: elementwise, dtypes: [f32], shapes: [{op: add, elements: $((T * H))}]}
  - {set: s-swiglu, kind: activation, dtypes: [f32], shapes: [{op: swiglu, rows: $T, cols: $F}]}
YAML
for b in $BACKENDS; do
  "$build/accelbench" run --suite "$tmp/suite.yaml" --backend "$b" -o "$tmp/$b" --no-clock \
    --idle-baseline 0 -q >"$tmp/$b.log" 2>&1 || true
  [ -s "$tmp/$b/run.json" ] || { echo "$b: no run file"; sed 's/^/  /' "$tmp/$b.log" | tail -5; continue; }
  python3 - "$tmp/$b/run.json" "$b" "$H" "$Q" "$KV" "$F" <<'PY'
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
backend = sys.argv[2]
H, Q, KV, F = map(int, sys.argv[3:7])
# How many times each step kind runs in the layer, by set (the layer's plan).
times = {"s-norm": 2, "s-rope-q": 1, "s-rope-k": 1, "s-attn": 1, "s-add": 2, "s-swiglu": 1}
gemm_times = {}  # (n, k): calls per layer (q and o projections share a shape when Q == H)
for key, n in [((Q, H), 1), ((KV, H), 2), ((H, Q), 1), ((F, H), 2), ((H, F), 1)]:
    gemm_times[key] = gemm_times.get(key, 0) + n
ok = lambda c: c["status"] == "ok"
med = lambda c: c["timing"]["time_s"]["median"]
fastest = lambda c: c["timing"]["time_s"]["min"]
for layer in [c for c in cases if c["set"] == "layer" and ok(c)]:
    prov = layer["provider"]
    # each step as the layer ran it: its provider, from the record
    ran = {(s["kind"], s.get("shape", "")): s.get("provider") for s in layer["composite"]["steps"]}
    total, total_min, missing = 0.0, 0.0, []
    for set_, n in times.items():
        kind = {"s-norm": "norm", "s-rope-q": "rotary", "s-rope-k": "rotary", "s-attn": "attention",
                "s-add": "elementwise", "s-swiglu": "activation"}[set_]
        step_prov = next((p for (k, _), p in ran.items() if k == kind), prov)
        alone = [c for c in cases if c["set"] == set_ and c["provider"] == step_prov and ok(c)]
        if alone:
            total += n * med(alone[0])
            total_min += n * fastest(alone[0])
        else: missing.append(set_)
    for (gn, gk), n in gemm_times.items():
        alone = [c for c in cases if c["set"] == "steps" and c["provider"] == prov and ok(c)
                 and c["kernel"]["shape"]["n"] == gn and c["kernel"]["shape"]["k"] == gk]
        if alone:
            total += n * med(alone[0])
            total_min += n * fastest(alone[0])
        else: missing.append(f"gemm n={gn} k={gk}")
    t = med(layer)
    note = f" (missing alone: {', '.join(missing)})" if missing else ""
    print(f"{backend:7s} {prov:9s} layer {t*1e3:9.3f} ms  sum of steps alone {total*1e3:9.3f} ms  "
          f"layer/sum {t/total if total else float('nan'):.3f}  "
          f"fastest/sum of fastest {fastest(layer)/total_min if total_min else float('nan'):.3f}{note}")
PY
done
