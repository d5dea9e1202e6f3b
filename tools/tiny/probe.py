"""Quality probe: does the model draw the prompted colours?

For every (shape colour, shape, background colour) prompt and a few seeds: Euler
sampling (20 steps, CFG 7.5), VAE decode, then classify two regions by nearest
palette colour (Euclidean RGB, 0..255 after mapping [-1,1] -> (x+1)*127.5, clamped):
  centre = rows 24..39 x cols 24..39 (the central 16x16 px)  -> must be the shape colour
  border = every pixel with row or col < 6 or >= 58 (outer 6 px ring) -> background colour
A sample passes when both match. Noise for seed s is randn([1,4,8,8], seed s).

Run alone: /usr/bin/python3 -m tools.tiny.probe  (reads the exported models via torch
checkpoint in tools/.cache/tiny_ckpt.pt)
"""
from __future__ import annotations

import json
import os

import torch

from . import data, scheduler
from .png import grid, save_png

STEPS = 20
GUIDANCE = 7.5
SEEDS = [0, 1, 2]


def _randn(shape, seed):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


@torch.no_grad()
def run_probe(tok, te, unet, dec, scaling: float, seeds=SEEDS, steps: int = STEPS, guidance: float = GUIDANCE,
              png_path: str | None = None, chunk: int = 168, prompt_stride: int = 1) -> dict:
    prompts = data.all_prompts()[::prompt_stride]
    uncond = te(torch.tensor([tok.encode("")]))
    per_prompt = {}
    ok_c = ok_b = ok = n = 0
    shown = []
    for seed in seeds:
        noise1 = _randn([1, 4, 8, 8], seed)
        for i in range(0, len(prompts), chunk):
            part = prompts[i:i + chunk]
            caps = [data.caption(*p) for p in part]
            cond = te(torch.tensor([tok.encode(c) for c in caps]))
            lat = scheduler.euler_sample(unet, cond, uncond, noise1.expand(len(part), -1, -1, -1).clone(),
                                         steps, guidance)
            img = dec(lat / scaling)
            if seed == seeds[0]:
                shown.append(img[::max(1, 7 // prompt_stride)][:24])
            rgb = ((img.clamp(-1, 1) + 1) * 127.5)
            c, b = data.region_means(rgb)
            cc, bb = data.classify(c), data.classify(b)
            for (fg, shape, bg), ci, bi, cap in zip(part, cc.tolist(), bb.tolist(), caps):
                good_c = data.COLORS[ci] == fg
                good_b = data.COLORS[bi] == bg
                ok_c += good_c
                ok_b += good_b
                ok += good_c and good_b
                n += 1
                per_prompt.setdefault(cap, []).append(bool(good_c and good_b))
    if png_path:
        save_png(png_path, grid(torch.cat(shown)[:48], cols=8))
    failing = sorted(k for k, v in per_prompt.items() if not all(v))
    return {"fraction": ok / n, "centre_fraction": ok_c / n, "border_fraction": ok_b / n, "samples": n,
            "prompts_evaluated": len(prompts), "seeds": list(seeds), "failing_prompts": failing}


def quality_doc(result: dict, scaling: float, steps=STEPS, guidance=GUIDANCE) -> dict:
    return {
        "fraction_correct": round(result["fraction"], 4),
        "centre_fraction_correct": round(result["centre_fraction"], 4),
        "border_fraction_correct": round(result["border_fraction"], 4),
        "samples": result["samples"],
        "prompts_evaluated": result["prompts_evaluated"],
        "prompts": "every 'a {fg} {shape} on a {bg} background' with fg != bg over palette.json's 8 colours "
                   "and shapes circle, square, triangle (168 prompts)",
        "seeds": result["seeds"],
        "noise": "latents noise = torch.randn([1,4,8,8], generator=torch.Generator().manual_seed(seed)) "
                 "(same as tests/fixtures/randn.json)",
        "sampler": {
            "scheduler": "EulerDiscreteScheduler (scheduler/scheduler_config.json: leading spacing, steps_offset 1)",
            "steps": steps,
            "guidance_scale": guidance,
            "guidance_formula": "eps = eps_uncond + guidance_scale * (eps_cond - eps_uncond)",
            "negative_prompt": "",
            "init": "x = noise * sqrt(sigma_max^2 + 1)",
            "model_input": "x / sqrt(sigma^2 + 1)",
            "update": "x = x + eps * (sigma_next - sigma)",
            "decode": f"image = vae_decoder(x / {scaling})",
        },
        "classification": {
            "to_rgb": "rgb = clamp((image + 1) * 127.5, 0, 255) per channel, float (no rounding)",
            "centre_region": {"rows": [24, 40], "cols": [24, 40],
                              "description": "half-open ranges: the central 16x16 pixels"},
            "border_region": {"width": 6,
                              "description": "every pixel with row < 6 or row >= 58 or col < 6 or col >= 58"},
            "rule": "mean RGB of each region, then nearest palette colour by Euclidean distance in RGB 0..255; "
                    "a sample passes when centre == shape colour AND border == background colour",
            "palette": "palette.json",
        },
        "failing_prompts": result["failing_prompts"],
    }


# Cheaper sampler settings also checked (seeds 0 and 1), reported in quality.json so tests
# can pick a fast setting that is known to work.
SWEEP = [(10, 7.5), (5, 7.5), (4, 3.0), (3, 7.5), (20, 1.0)]


def run_sweep(tok, te, unet, dec, scaling: float, settings=SWEEP, seeds=(0, 1)) -> list[dict]:
    out = []
    for steps, g in settings:
        r = run_probe(tok, te, unet, dec, scaling, seeds=list(seeds), steps=steps, guidance=g)
        out.append({"steps": steps, "guidance_scale": g, "seeds": list(seeds), "samples": r["samples"],
                    "fraction_correct": round(r["fraction"], 4),
                    "centre_fraction_correct": round(r["centre_fraction"], 4),
                    "border_fraction_correct": round(r["border_fraction"], 4)})
    return out


def write_quality(path: str, result: dict, scaling: float, sweep: list[dict] | None = None) -> None:
    doc = quality_doc(result, scaling)
    if sweep is not None:
        doc["other_sampler_settings"] = sweep
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)


if __name__ == "__main__":
    from .checkpoint import load_checkpoint

    torch.set_num_threads(1)
    tok, te, unet, enc, dec, scaling = load_checkpoint()
    r = run_probe(tok, te, unet, dec, scaling, png_path=os.path.join("tools", ".cache", "probe.png"))
    print(json.dumps({k: v for k, v in r.items() if k != "failing_prompts"}), len(r["failing_prompts"]), "failing")
