#!/usr/bin/env python3
"""PyTorch twin of `blora bench`: the same CLIP, adapters, loss and optimizer, timed the same way.

The model is OpenAI's CLIP ViT (pre-LN blocks, QuickGELU, batch-first) written out plainly, with
q/k/v/out projections as slots that hold a LoRA or Block-LoRA adapter exactly as the C# library does
(Block-LoRA folds the input, x.view(..., n, k/n).sum(-2), then two small matmuls). Weights are random:
timings do not depend on their values. Debian's torch 1.13 has no scaled_dot_product_attention, so
attention is the explicit softmax(q k^T / sqrt(d)) v path.

"Plainly" means as OpenAI's and CLIP-LoRA's code do it: the protocol's choices are kept (text features
computed once when the text tower is frozen; Block-LoRA's fold, which is the method itself), but the C#
library's own fast paths are not: the text tower runs over all 77 positions and every block computes
every position. The `text/truncated` case asks for the cut explicitly, to show what it saves in PyTorch.

Two ways to run it:
  * `--serve`: `blora bench` starts it once and sends one JSON command per line on stdin
    ({"op": "setup", ...}, {"op": "run", "id": ...}, {"op": "return_freed_memory"}, {"op": "quit"});
    each answer is one JSON line on
    stdout. This lets the C# side interleave ours, theirs, ours, theirs within one run.
  * standalone: `python3 bench/pytorch_twin.py --batch 8 --threads 2 --reps 3` runs the default cases
    itself and prints one JSON row per case.
  * `--check FIXTURE_DIR`: loads the clip-tiny TorchScript fixture's weights into this model and compares
    features and logits with the fixture's golden outputs (the twin computes what OpenAI's CLIP does).

Run it with OMP_WAIT_POLICY=PASSIVE and OPENBLAS_NUM_THREADS set to the thread count (blora bench does),
so idle OpenMP threads do not spin against OpenBLAS's own threads on a small machine.
"""
import argparse
import contextlib
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------------------------------------- model

class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class LowRankAdapter:
    """s * B (A fold_n(dropout(x))); A is [r, k/n] (LoRA: n = 1), B is [d, r]. Not an nn.Module child of
    the model, so the base's parameters stay the model's and the adapter's stay the optimizer's."""

    def __init__(self, in_features, out_features, rank, blocks, scaling, dropout, generator):
        self.in_features, self.out_features, self.rank, self.blocks = in_features, out_features, rank, blocks
        self.scaling, self.dropout = scaling, dropout
        bound = 1 / math.sqrt(in_features // blocks)
        self.lora_A = torch.empty(rank, in_features // blocks).uniform_(-bound, bound, generator=generator).requires_grad_()
        # B is random rather than zero so the timed path never meets an all-zero shortcut.
        self.lora_B = (torch.randn(out_features, rank, generator=generator) * 0.01).requires_grad_()

    def parameters(self):
        return [self.lora_A, self.lora_B]

    def forward(self, x, training):
        if training and self.dropout > 0:
            x = F.dropout(x, self.dropout, training=True)
        if self.blocks > 1:
            x = x.reshape(*x.shape[:-1], self.blocks, self.in_features // self.blocks).sum(-2)
        down = F.linear(x, self.lora_A)
        return F.linear(down * self.scaling, self.lora_B)

    def delta_weight(self):
        return (self.lora_B @ self.lora_A.repeat(1, self.blocks)) * self.scaling

    def forward_dense(self, x):
        """The same s·ΔW·x through a dense ΔW [d, k] built on the spot: what the fold avoids."""
        return F.linear(x, self.delta_weight())


class AdaptableLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.bias = nn.Parameter(torch.empty(out_features))
        self.__dict__["adapter"] = None
        self.__dict__["saved_weight"] = None

    def attach(self, adapter):
        self.__dict__["adapter"] = adapter

    def detach_adapter(self):
        self.unmerge()
        self.__dict__["adapter"] = None

    def merge(self):
        if self.adapter is None or self.saved_weight is not None:
            return
        with torch.no_grad():
            self.__dict__["saved_weight"] = self.weight.detach().clone()
            self.weight.add_(self.adapter.delta_weight())

    def unmerge(self):
        if self.saved_weight is None:
            return
        with torch.no_grad():
            self.weight.copy_(self.saved_weight)
        self.__dict__["saved_weight"] = None

    def forward(self, x):
        y = F.linear(x, self.weight, self.bias)
        if self.adapter is None or self.saved_weight is not None:
            return y
        return y + self.adapter.forward(x, self.training)


def explicit_attention(q, k, v, causal):
    """softmax(q kᵀ / √d [+ causal mask]) v on [B, H, T, d] tensors."""
    scores = (q * (q.shape[-1] ** -0.5)) @ k.transpose(-2, -1)
    if causal:
        t = q.shape[-2]
        mask = torch.full((t, t), float("-inf"), dtype=q.dtype).triu_(1)
        scores = scores + mask
    return scores.softmax(-1) @ v


def sdpa_available():
    return hasattr(F, "scaled_dot_product_attention")


class MultiHeadAttention(nn.Module):
    def __init__(self, width, heads, causal):
        super().__init__()
        self.heads, self.causal = heads, causal
        self.q_proj = AdaptableLinear(width, width)
        self.k_proj = AdaptableLinear(width, width)
        self.v_proj = AdaptableLinear(width, width)
        self.out_proj = AdaptableLinear(width, width)

    def forward(self, x):
        b, t, w = x.shape
        hd = w // self.heads

        def split(y):
            return y.view(b, t, self.heads, hd).transpose(1, 2)

        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        if sdpa_available():
            a = F.scaled_dot_product_attention(q, k, v, is_causal=self.causal)
        else:
            a = explicit_attention(q, k, v, self.causal)
        return self.out_proj(a.transpose(1, 2).reshape(b, t, w))


class Mlp(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.c_fc = AdaptableLinear(width, hidden)
        self.gelu = QuickGELU()
        self.c_proj = AdaptableLinear(hidden, width)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width, heads, mlp_ratio, causal):
        super().__init__()
        self.attn = MultiHeadAttention(width, heads, causal)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = Mlp(width, width * mlp_ratio)
        self.ln_2 = nn.LayerNorm(width)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, heads, mlp_ratio, causal):
        super().__init__()
        self.resblocks = nn.ModuleList([ResidualAttentionBlock(width, heads, mlp_ratio, causal) for _ in range(layers)])

    def forward(self, x):
        for block in self.resblocks:
            x = block(x)
        return x


class VisionTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        w, grid = c["VisionWidth"], c["ImageResolution"] // c["PatchSize"]
        self.conv1 = nn.Conv2d(3, w, c["PatchSize"], stride=c["PatchSize"], bias=False)
        self.class_embedding = nn.Parameter(torch.empty(w))
        self.positional_embedding = nn.Parameter(torch.empty(grid * grid + 1, w))
        self.ln_pre = nn.LayerNorm(w)
        self.transformer = Transformer(w, c["VisionLayers"], c["VisionHeads"], c.get("MlpRatio", 4), causal=False)
        self.ln_post = nn.LayerNorm(w)
        self.proj = nn.Parameter(torch.empty(w, c["EmbedDim"]))

    def forward(self, pixels):
        x = self.conv1(pixels).flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], 1) + self.positional_embedding
        x = self.transformer(self.ln_pre(x))
        return self.ln_post(x[:, 0]) @ self.proj


class Clip(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.visual = VisionTransformer(c)
        self.transformer = Transformer(c["TextWidth"], c["TextLayers"], c["TextHeads"], c.get("MlpRatio", 4), causal=True)
        self.token_embedding = nn.Embedding(c["VocabSize"], c["TextWidth"])
        self.positional_embedding = nn.Parameter(torch.empty(c["ContextLength"], c["TextWidth"]))
        self.ln_final = nn.LayerNorm(c["TextWidth"])
        self.text_projection = nn.Parameter(torch.empty(c["TextWidth"], c["EmbedDim"]))
        self.logit_scale = nn.Parameter(torch.tensor(math.log(100.0)))

    def encode_image(self, pixels):
        return self.visual(pixels)

    def encode_text(self, tokens, truncate=True):
        eot = tokens.argmax(-1)
        # Causal attention: nothing after the last end-of-text token reaches it, so cut there (exact).
        used = int(eot.max()) + 1 if truncate else tokens.shape[1]
        x = self.token_embedding(tokens[:, :used]) + self.positional_embedding[:used]
        x = self.ln_final(self.transformer(x))
        return x[torch.arange(x.shape[0]), eot] @ self.text_projection

    def slots(self):
        for name, module in self.named_modules():
            if isinstance(module, AdaptableLinear):
                yield name, module


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "logit_scale":
                continue
            if "ln_" in name and name.endswith(".weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            elif p.ndim >= 2:
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[-1]))
            else:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
    for p in model.parameters():
        p.requires_grad_(False)


# ------------------------------------------------------------------------------------------- adapters

TARGETS = ("q_proj", "k_proj", "v_proj")


class AdapterSet:
    """q/k/v adapters on every layer of the chosen encoders, as AdapterInjector does with its defaults."""

    def __init__(self, model, method, rank, blocks, encoders, seed=1, alpha=1.0, dropout=0.25):
        g = torch.Generator().manual_seed(seed)
        scaling = alpha / math.sqrt(rank)
        self.entries = []
        for name, slot in model.slots():
            vision = name.startswith("visual.")
            if not name.endswith(TARGETS) or (encoders == "vision" and not vision):
                continue
            d, k = slot.weight.shape
            adapter = LowRankAdapter(k, d, rank, blocks if method == "block-lora" else 1, scaling, dropout, g)
            self.entries.append((name, slot, adapter))
        self.optimizer = torch.optim.AdamW(self.parameters(), lr=2e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)

    def parameters(self):
        return [p for _, _, a in self.entries for p in a.parameters()]

    def attach(self):
        for _, slot, adapter in self.entries:
            slot.attach(adapter)

    def detach(self):
        for _, slot, _ in self.entries:
            slot.detach_adapter()

    def merge(self):
        for _, slot, _ in self.entries:
            slot.merge()


# ------------------------------------------------------------------------------------------ workloads

def _libc():
    try:
        import ctypes
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


LIBC = _libc()


def peak_reset():
    """Hands freed heap back to the OS (so memory an earlier case freed cannot hide this one's peak), resets
    the kernel's peak-RSS mark (Linux ≥ 4.0) and returns the current RSS in bytes. Same as PeakMemory.cs."""
    if LIBC is not None:
        LIBC.malloc_trim(0)
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    return _status_kb("VmRSS") * 1024


def return_freed_memory_at_once():
    """As PeakMemory.ReturnFreedMemoryAtOnce in blora: glibc's mmap and trim thresholds fixed at 128 KiB, so every
    freed tensor leaves resident memory at once and the rise of VmHWM is the live peak. Permanent, so blora asks for
    it only in a twin started for memory samples. M_TRIM_THRESHOLD is -1, M_MMAP_THRESHOLD -3 (malloc.h)."""
    if LIBC is None:
        return False
    return LIBC.mallopt(-3, 128 << 10) == 1 and LIBC.mallopt(-1, 128 << 10) == 1


def peak_bytes():
    return _status_kb("VmHWM") * 1024


def _status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Twin:
    def __init__(self, setup):
        torch.set_num_threads(int(setup["threads"]))
        self.config = setup["clip"]
        self.batch = int(setup["batch"])
        self.model = Clip(self.config)
        randomize(self.model, int(setup.get("seed", 1)))
        self.model.eval()
        g = torch.Generator().manual_seed(2)
        r = self.config["ImageResolution"]
        self.pixels = torch.randn(self.batch, 3, r, r, generator=g)
        self.tokens = torch.tensor(setup["tokens"], dtype=torch.long)
        self.labels = torch.arange(self.batch) % self.tokens.shape[0]
        self.logit_scale = float(setup.get("logit_scale", 100.0))
        self.gemm_size = int(setup.get("gemm_size", 2048))
        self.sets = {}
        self.cached_text = None
        self.specs = {s["id"]: s for s in setup["specs"]}
        # blora bench --precision bf16|fp16: CLIP-LoRA's mixed precision, torch.autocast on the CPU (the weights stay fp32).
        dtypes = {"bf16": torch.bfloat16, "fp16": torch.float16}
        self.autocast_dtype = dtypes.get(setup.get("precision", "fp32"))
        self.attention_inputs = None
        self.gemm_inputs = None
        self.adapter_inputs = None

    # --- shared pieces

    def adapter_set(self, spec):
        key = (spec["method"], spec["rank"], spec["blocks"], spec.get("encoders", "both"))
        if key not in self.sets:
            self.sets[key] = AdapterSet(self.model, *key)
        return self.sets[key]

    def frozen_text(self):
        if self.cached_text is None:
            with torch.no_grad():
                self.cached_text = F.normalize(self.model.encode_text(self.tokens, truncate=False), dim=-1)
        return self.cached_text

    def loss(self, text_adapted):
        image = self.model.encode_image(self.pixels)
        text = F.normalize(self.model.encode_text(self.tokens, truncate=False), dim=-1) if text_adapted else self.frozen_text()
        logits = self.logit_scale * F.normalize(image, dim=-1) @ text.t()
        return F.cross_entropy(logits, self.labels)

    # --- one timed execution per kind; setup that is not part of the measured work happens outside

    def prepare(self, spec):
        kind = spec["kind"]
        # Inputs are made before the clock (and the memory mark) starts.
        {"adapter": self.adapter_x, "attention": self.attention_x, "gemm": self.gemm_x}.get(kind, lambda: None)()
        if kind in ("train", "adapter") or spec.get("variant") in ("merged", "unmerged"):
            s = self.adapter_set(spec)
            s.attach()
            if spec.get("variant") == "merged":
                s.merge()
            return s
        return None

    def release(self, spec, s):
        if s is not None:
            s.detach()

    def execute(self, spec, s):
        kind, variant = spec["kind"], spec.get("variant", "")
        if kind == "frozen":
            with torch.no_grad():
                return float(self.loss(text_adapted=False))
        if kind == "train":
            self.model.train()
            try:
                s.optimizer.zero_grad()
                loss = self.loss(text_adapted=spec.get("encoders", "both") == "both")
                loss.backward()
                s.optimizer.step()
                return float(loss)
            finally:
                self.model.eval()
        if kind == "adapter":
            xs = self.adapter_x()
            with torch.no_grad():
                total = 0.0
                for name, _, adapter in s.entries:
                    x = xs[0] if name.startswith("visual.") else xs[1]
                    y = adapter.forward_dense(x) if variant == "dense-delta" else adapter.forward(x, training=False)
                    total += float(y[0, 0])
                return total
        if kind == "eval":
            with torch.no_grad():
                return float(self.model.encode_image(self.pixels)[0, 0])
        if kind == "text":
            with torch.no_grad():
                return float(self.model.encode_text(self.tokens, truncate=variant != "full")[0, 0])
        if kind == "attention":
            if variant == "sdpa" and not sdpa_available():
                raise NotImplementedError(f"torch {torch.__version__} has no scaled_dot_product_attention")
            q, k, v = self.attention_x()
            with torch.no_grad():
                a = F.scaled_dot_product_attention(q, k, v) if variant == "sdpa" else explicit_attention(q, k, v, False)
                return float(a[0, 0, 0, 0])
        if kind == "gemm":
            a, b = self.gemm_x()
            with torch.no_grad():
                return float((a @ b)[0, 0])
        raise NotImplementedError(f"the twin has no '{kind}' workload")

    def adapter_x(self):
        if self.adapter_inputs is None:
            c = self.config
            g = torch.Generator().manual_seed(3)
            tokens = (c["ImageResolution"] // c["PatchSize"]) ** 2 + 1
            used = int(self.tokens.argmax(-1).max()) + 1
            self.adapter_inputs = (torch.randn(self.batch * tokens, c["VisionWidth"], generator=g),
                                   torch.randn(self.tokens.shape[0] * used, c["TextWidth"], generator=g))
        return self.adapter_inputs

    def attention_x(self):
        if self.attention_inputs is None:
            c = self.config
            g = torch.Generator().manual_seed(4)
            t = (c["ImageResolution"] // c["PatchSize"]) ** 2 + 1
            shape = (self.batch, c["VisionHeads"], t, c["VisionWidth"] // c["VisionHeads"])
            self.attention_inputs = tuple(torch.randn(shape, generator=g) for _ in range(3))
        return self.attention_inputs

    def gemm_x(self):
        if self.gemm_inputs is None:
            g = torch.Generator().manual_seed(5)
            n = self.gemm_size
            self.gemm_inputs = (torch.randn(n, n, generator=g), torch.randn(n, n, generator=g))
        return self.gemm_inputs

    def autocast(self):
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast("cpu", dtype=self.autocast_dtype)

    def run(self, spec_id, inner=1, memory=False):
        """Runs a case `inner` times back to back; seconds per run and, with `memory`, the peak RSS growth
        (tracking trims the heap first, so blora bench asks for it only in a twin started for memory samples)."""
        spec = self.specs[spec_id]
        s = self.prepare(spec)
        try:
            before = peak_reset() if memory else 0
            start = time.perf_counter()
            for _ in range(inner):
                with self.autocast():
                    value = self.execute(spec, s)
            seconds = (time.perf_counter() - start) / inner
            peak = max(0, peak_bytes() - before) if memory else 0
        finally:
            self.release(spec, s)
        return {"id": spec_id, "seconds": seconds, "peak_delta_bytes": peak, "value": value}


def describe():
    info = torch.__config__.show()
    blas = "unknown"
    for line in info.splitlines():
        if "BLAS_INFO=" in line:
            blas = line.split("BLAS_INFO=")[1].split(",")[0]
    return {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas,
        "blas_library": _loaded_blas(),
        "sdpa": sdpa_available(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
    }


def _loaded_blas():
    """Which BLAS shared object the process actually mapped (Debian's alternatives pick it at run time)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        return ",".join(sorted(os.path.basename(p) + " (" + os.path.dirname(p) + ")" for p in libs))
    except OSError:
        return "unknown"


# ------------------------------------------------------------------------------------------- drivers

def serve():
    """One JSON command per stdin line, one JSON answer per stdout line."""
    twin = None
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            cmd = json.loads(line)
            op = cmd["op"]
            if op == "setup":
                twin = Twin(cmd)
                answer = {"ok": True, **describe()}
            elif op == "run":
                answer = twin.run(cmd["id"], int(cmd.get("inner", 1)), bool(cmd.get("memory", False)))
            elif op == "return_freed_memory":
                answer = {"ok": return_freed_memory_at_once()}
            elif op == "quit":
                print(json.dumps({"ok": True}), flush=True)
                return
            else:
                answer = {"error": f"unknown op {op}"}
        except NotImplementedError as e:
            answer = {"unsupported": str(e)}
        except Exception as e:  # the C# side prints it; the twin keeps serving
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)


VIT_B16 = {
    "EmbedDim": 512, "ImageResolution": 224, "VisionLayers": 12, "VisionWidth": 768, "VisionHeads": 12, "PatchSize": 16,
    "ContextLength": 77, "VocabSize": 49408, "TextWidth": 512, "TextHeads": 8, "TextLayers": 12, "MlpRatio": 4,
}


def default_specs(ranks, blocks):
    """The case list `blora bench` builds (BenchCatalog.cs) minus its data-loader rows, for standalone runs."""
    specs = [{"id": "gemm", "kind": "gemm"}, {"id": "train/frozen", "kind": "frozen"}]
    r0, n0 = ranks[0], max(blocks)
    for r in ranks:
        specs.append({"id": f"train/lora/r{r}", "kind": "train", "method": "lora", "rank": r, "blocks": 1})
        for n in blocks:
            specs.append({"id": f"train/block-lora/r{r}/n{n}", "kind": "train", "method": "block-lora", "rank": r, "blocks": n})
    specs.append({"id": f"train/block-lora/r{r0}/n{n0}/vision", "kind": "train", "method": "block-lora", "rank": r0, "blocks": n0, "encoders": "vision"})
    specs.append({"id": f"adapter/lora/r{r0}", "kind": "adapter", "method": "lora", "rank": r0, "blocks": 1})
    for n in blocks:
        specs.append({"id": f"adapter/block-lora/r{r0}/n{n}", "kind": "adapter", "method": "block-lora", "rank": r0, "blocks": n})
    specs.append({"id": f"adapter/block-lora/r{r0}/n{n0}/dense-delta", "kind": "adapter", "method": "block-lora", "rank": r0, "blocks": n0, "variant": "dense-delta"})
    specs.append({"id": "eval/base", "kind": "eval"})
    specs.append({"id": f"eval/block-lora/r{r0}/n{n0}/merged", "kind": "eval", "method": "block-lora", "rank": r0, "blocks": n0, "variant": "merged"})
    specs.append({"id": f"eval/block-lora/r{r0}/n{n0}/unmerged", "kind": "eval", "method": "block-lora", "rank": r0, "blocks": n0, "variant": "unmerged"})
    specs.append({"id": "text/truncated", "kind": "text"})
    specs.append({"id": "text/full", "kind": "text", "variant": "full"})
    specs.append({"id": "attention/sdpa", "kind": "attention", "variant": "sdpa"})
    specs.append({"id": "attention/explicit", "kind": "attention", "variant": "explicit"})
    for s in specs:
        s.setdefault("method", "none"); s.setdefault("rank", 0); s.setdefault("blocks", 0)
        s.setdefault("encoders", "both"); s.setdefault("variant", "")
    return specs


def standalone(args):
    ranks = [int(x) for x in args.ranks.split(",")]
    blocks = [int(x) for x in args.blocks.split(",")]
    # Token rows shaped like 10 short prompts: start token, 5 words, '.', end-of-text, padding.
    tokens = [[49406] + [320 + i, 1125, 539, 320, 1000 + i, 269] + [49407] + [0] * 69 for i in range(args.classes)]
    specs = default_specs(ranks, blocks)
    twin = Twin({"threads": args.threads, "clip": VIT_B16, "batch": args.batch, "tokens": tokens, "specs": specs})
    print(json.dumps({"setup": describe()}), flush=True)
    samples = {s["id"]: [] for s in specs}
    peaks = {s["id"]: 0 for s in specs}
    for rep in range(args.warmup + args.reps):
        memory = args.warmup == 0 or rep == args.warmup - 1
        for s in specs:
            try:
                result = twin.run(s["id"], memory=memory)
            except NotImplementedError:
                continue
            if memory:
                peaks[s["id"]] = max(peaks[s["id"]], result["peak_delta_bytes"])
            if rep >= args.warmup:
                samples[s["id"]].append(result)
    for s in specs:
        rows = samples[s["id"]]
        if not rows:
            print(json.dumps({"id": s["id"], "unsupported": True}), flush=True)
            continue
        times = sorted(r["seconds"] for r in rows)
        print(json.dumps({"id": s["id"], "median_ms": 1000 * times[len(times) // 2],
                          "peak_delta_mb": peaks[s["id"]] / 2 ** 20, "reps": len(rows)}), flush=True)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    dtypes = {"F32": torch.float32, "F16": torch.float16, "I64": torch.int64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = bytearray(data[8 + n + start:8 + n + end])
        out[name] = torch.frombuffer(raw, dtype=dtypes[info["dtype"]]).reshape(info["shape"]).clone()
    return out


def check(fixture_dir):
    """Loads OpenAI-named weights from the clip-tiny TorchScript fixture and compares with its golden outputs."""
    jit = torch.jit.load(os.path.join(fixture_dir, "openai-jit.pt"), map_location="cpu")
    sd = {k: v.float() for k, v in jit.state_dict().items()}
    width = sd["visual.conv1.weight"].shape[0]
    patch = sd["visual.conv1.weight"].shape[-1]
    grid = round((sd["visual.positional_embedding"].shape[0] - 1) ** 0.5)
    text_width = sd["ln_final.weight"].shape[0]
    c = {
        "EmbedDim": sd["text_projection"].shape[1], "ImageResolution": patch * grid, "PatchSize": patch,
        "VisionWidth": width, "VisionHeads": width // 64 or 1,
        "VisionLayers": len({k.split(".")[3] for k in sd if k.startswith("visual.transformer.resblocks.")}),
        "ContextLength": sd["positional_embedding"].shape[0], "VocabSize": sd["token_embedding.weight"].shape[0],
        "TextWidth": text_width, "TextHeads": text_width // 64 or 1,
        "TextLayers": len({k.split(".")[2] for k in sd if k.startswith("transformer.resblocks.")}),
    }
    model = Clip(c)
    mapped = {}
    for k, v in sd.items():
        if k.endswith("attn.in_proj_weight") or k.endswith("attn.in_proj_bias"):
            prefix, kind = k.rsplit(".in_proj_", 1)
            for name, part in zip(TARGETS, v.chunk(3)):
                mapped[f"{prefix}.{name}.{kind}"] = part
        elif k in ("input_resolution", "context_length", "vocab_size"):
            continue
        else:
            mapped[k] = v
    model.load_state_dict(mapped, strict=True)
    model.eval()
    expected = read_safetensors(os.path.join(fixture_dir, "expected.safetensors"))
    with torch.no_grad():
        image = model.encode_image(expected["pixels"])
        text = model.encode_text(expected["tokens"])
        full = model.encode_text(expected["tokens"], truncate=False)
        logits = model.logit_scale.exp() * F.normalize(image, dim=-1) @ F.normalize(text, dim=-1).t()
    diffs = {
        "image_features": float((image - expected["image_features"]).abs().max()),
        "text_features": float((text - expected["text_features"]).abs().max()),
        "text_features_full77": float((full - expected["text_features"]).abs().max()),
        "logits_per_image": float((logits - expected["logits_per_image"]).abs().max()),
    }
    ok = diffs["image_features"] < 1e-4 and diffs["text_features"] < 1e-4 and diffs["text_features_full77"] < 1e-4 and diffs["logits_per_image"] < 1e-3
    print(json.dumps({"check": "ok" if ok else "MISMATCH", "max_abs_diff": diffs, "config": c}))
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--serve", action="store_true", help="answer JSON commands on stdin (used by blora bench)")
    p.add_argument("--check", metavar="FIXTURE_DIR", help="compare with the clip-tiny fixture's golden outputs")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--ranks", default="2")
    p.add_argument("--blocks", default="8")
    p.add_argument("--classes", type=int, default=10)
    args = p.parse_args()
    if args.check:
        torch.set_num_threads(args.threads)
        return check(args.check)
    if args.serve:
        serve()
        return 0
    standalone(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
