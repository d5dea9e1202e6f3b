"""Build a random-weight reference Stable Diffusion model folder (diffusers / optimum ONNX layout).

    /usr/bin/python3 -m tools.reference.build --model sd15|sd-turbo [--full] [--fp16] --out DIR
    /usr/bin/python3 -m tools.reference.build --model all --out models/reference   # the four reduced folders

Run from the repository root. See tools/reference/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import torch

from . import configs
from .export import export_component
from .fp16 import convert_file
from .pipeline import build_pipeline
from .stats import report
from .tokenizer import write_tokenizer

COMPONENTS = ("text_encoder", "unet", "vae_encoder", "vae_decoder")
TOKENIZER_FILES = ("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json")


def _dump(path: str, obj: dict) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def write_configs(out: str, spec: configs.ModelSpec, dtype: str, seed: int) -> None:
    _dump(os.path.join(out, "model_index.json"), configs.model_index_json(spec, dtype, seed))
    _dump(os.path.join(out, "scheduler", "scheduler_config.json"), spec.scheduler)
    _dump(os.path.join(out, "text_encoder", "config.json"), configs.text_encoder_json(spec) | {"torch_dtype": dtype})
    _dump(os.path.join(out, "unet", "config.json"), configs.unet_json(spec))
    for part in ("vae_encoder", "vae_decoder"):
        _dump(os.path.join(out, part, "config.json"), configs.vae_json(spec))


def write_tokenizer_folder(out: str, spec: configs.ModelSpec, tokenizer_from: str | None) -> str:
    folder = os.path.join(out, "tokenizer")
    if tokenizer_from:
        os.makedirs(folder, exist_ok=True)
        for name in TOKENIZER_FILES:
            shutil.copyfile(os.path.join(tokenizer_from, name), os.path.join(folder, name))
        with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
            n = len(json.load(f))
        if n > spec.text.vocab_size:
            raise SystemExit(f"{tokenizer_from}: {n} tokens, more than the text encoder's {spec.text.vocab_size}")
        return f"copied from {tokenizer_from} ({n} tokens)"
    # The reduced vocabulary serves the full width too: its ids (< 1000) index the first
    # rows of the 49408-row embedding, and its EOS is still the largest id in any prompt.
    tok = write_tokenizer(folder, configs.REDUCED_VOCAB, spec.pad_token, spec.tokenizer_name_or_path)
    return f"{configs.REDUCED_VOCAB} tokens (BOS {tok.bos_id}, EOS {tok.eos_id}, pad {tok.pad_id})"


def _size(path: str) -> int:
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def build(model: str, full: bool, fp16: bool, out: str, seed: int = 0, components=COMPONENTS,
          tokenizer_from: str | None = None, stats: bool = False) -> None:
    t0 = time.time()
    dtype = "float16" if fp16 else "float32"
    pipe = build_pipeline(model, full, seed)
    spec = pipe.spec
    print(f"{model} {spec.width} {dtype} seed {seed} -> {out}  (modules built in {time.time() - t0:.1f} s)", flush=True)
    if stats:
        lines, ok = report(pipe, latent=8 if full else None)
        print("\n".join(lines))
        if not ok:
            raise SystemExit("activation scale check failed (std outside 0.1..10 or non-finite)")
    os.makedirs(out, exist_ok=True)
    write_configs(out, spec, dtype, seed)
    print("  tokenizer:", write_tokenizer_folder(out, spec, tokenizer_from), flush=True)
    tmp = tempfile.mkdtemp(prefix="reference-fp32-") if fp16 else None
    try:
        for comp in components:
            t = time.time()
            path = os.path.join(out, comp, "model.onnx")
            if fp16:
                fp32_path = os.path.join(tmp, comp, "model.onnx")
                export_component(pipe, comp, fp32_path)
                convert_file(fp32_path, path)
                shutil.rmtree(os.path.join(tmp, comp))
            else:
                export_component(pipe, comp, path)
            print(f"  {comp:<13} {_size(os.path.dirname(path)) / 2**20:9.2f} MiB  {time.time() - t:7.1f} s", flush=True)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"  total {_size(out) / 2**20:.2f} MiB in {time.time() - t0:.1f} s", flush=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, choices=list(configs.MODELS) + ["all"],
                    help="'all': sd15, sd15-fp16, sd-turbo, sd-turbo-fp16 into OUT/<name>")
    ap.add_argument("--full", action="store_true", help="real SD sizes (GBs; never under models/)")
    ap.add_argument("--fp16", action="store_true", help="float16 graphs, converted from the float32 export")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--components", default=",".join(COMPONENTS),
                    help="comma-separated subset of " + ",".join(COMPONENTS))
    ap.add_argument("--tokenizer-from", default=None,
                    help="copy a real CLIP tokenizer/ folder (the four files) instead of the small one")
    ap.add_argument("--stats", action="store_true", help="print per-block activation std first")
    args = ap.parse_args(argv)
    components = [c for c in args.components.split(",") if c]
    bad = set(components) - set(COMPONENTS)
    if bad:
        ap.error(f"unknown components {sorted(bad)}")
    if args.full:
        repo_models = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "models"))
        if os.path.abspath(args.out).startswith(repo_models + os.sep):
            ap.error("full-width models are gigabytes: write them outside the repository's models/")
    torch.set_grad_enabled(False)
    if args.model == "all":
        for model in configs.MODELS:
            for fp16 in (False, True):
                name = model + ("-fp16" if fp16 else "")
                build(model, args.full, fp16, os.path.join(args.out, name), args.seed, components,
                      args.tokenizer_from, args.stats)
    else:
        build(args.model, args.full, args.fp16, args.out, args.seed, components, args.tokenizer_from, args.stats)


if __name__ == "__main__":
    sys.exit(main())
