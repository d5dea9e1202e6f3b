"""Activation scale check: per-block std (and max |x|) of each component on random inputs.

    /usr/bin/python3 -m tools.reference.stats --model sd15 [--full] [--latent 16]

Inputs are the kind the pipeline feeds: token ids (BOS, random tokens, EOS, padding), unit
Gaussian latents with a random timestep and the text encoder's output as context, the
decoder's latents divided by scaling_factor, images in [-1, 1].
"""
from __future__ import annotations

import argparse
import math

import torch

from .configs import MAX_LENGTH
from .pipeline import Pipeline, build_pipeline


def example_ids(spec, batch: int, gen: torch.Generator) -> torch.Tensor:
    """[batch, 77] int32: BOS, 3..20 random byte/merge tokens, EOS, then the pad token."""
    vocab = spec.text.vocab_size
    bos, eos = vocab - 2, vocab - 1  # the last two ids, as in CLIP's vocabulary
    pad = eos if spec.pad_token != "!" else 0
    ids = torch.full((batch, MAX_LENGTH), pad, dtype=torch.int32)
    for b in range(batch):
        n = int(torch.randint(3, 21, (1,), generator=gen))
        ids[b, 0] = bos
        ids[b, 1:n + 1] = torch.randint(0, vocab - 2, (n,), generator=gen, dtype=torch.int32)
        ids[b, n + 1] = eos
    return ids


def example_inputs(pipe: Pipeline, batch: int = 2, latent: int | None = None, seed: int = 1234) -> dict:
    spec = pipe.spec
    gen = torch.Generator().manual_seed(seed)
    h = latent or spec.unet.sample_size
    scale = 2 ** (len(spec.vae.block_out_channels) - 1)
    ids = example_ids(spec, batch, gen)
    with torch.no_grad():
        context = pipe.text_encoder(ids)[0]
    return {
        "input_ids": ids,
        "sample": torch.randn(batch, spec.unet.in_channels, h, h, generator=gen),
        "timestep": torch.randint(0, 1000, (1,), generator=gen, dtype=torch.int64),
        "encoder_hidden_states": context,
        "latent_sample": torch.randn(batch, spec.vae.latent_channels, h, h, generator=gen) / spec.vae.scaling_factor,
        "image": torch.rand(batch, 3, h * scale, h * scale, generator=gen) * 2 - 1,
    }


def _line(name: str, x: torch.Tensor) -> str:
    x = x.detach().float()
    bad = "" if torch.isfinite(x).all() else "  NON-FINITE"
    return f"  {name:<28} std {x.std().item():8.4f}  max|x| {x.abs().max().item():9.4f}{bad}"


@torch.no_grad()
def report(pipe: Pipeline, latent: int | None = None) -> tuple[list[str], bool]:
    """Lines of the report, and whether every std is within 0.1..10 and every value finite."""
    x = example_inputs(pipe, latent=latent)
    traces = {}
    t: list = []
    pipe.text_encoder(x["input_ids"], trace=t)
    traces["text_encoder"] = t
    t = []
    pipe.unet(x["sample"], x["timestep"], x["encoder_hidden_states"], trace=t)
    traces[f"unet (t={int(x['timestep'])})"] = t
    t = []
    pipe.vae.decode(x["latent_sample"], trace=t)
    t.append(("decoder.out", pipe.vae.decode(x["latent_sample"])))
    traces["vae_decoder"] = t
    t = []
    t.append(("encoder.mean", pipe.vae.encode(x["image"], trace=t)))
    traces["vae_encoder"] = t
    lines, ok = [], True
    for comp, items in traces.items():
        lines.append(comp)
        for name, v in items:
            lines.append(_line(name, v))
            s = v.float().std().item()
            ok = ok and bool(torch.isfinite(v).all()) and 0.1 <= s <= 10 and not math.isnan(s)
    return lines, ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, choices=["sd15", "sd-turbo"])
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--latent", type=int, default=None, help="latent height/width (default: unet sample_size)")
    args = ap.parse_args()
    lines, ok = report(build_pipeline(args.model, args.full, args.seed), args.latent)
    print("\n".join(lines))
    print("OK: all std in 0.1..10, all finite" if ok else "WARNING: some activation out of 0.1..10 or non-finite")


if __name__ == "__main__":
    main()
