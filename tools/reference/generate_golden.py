"""Goldens for Generate's gradient: the product's text-to-image pipeline, step for step, in
float64 torch with the exact weights of models/reference/<model>/, differentiated by autograd.

What Generate runs (runtime/models/pipeline, runtime/schedulers, runtime/diffusion-vjp):

- noise: `torch.randn((1, 4, h, w), generator=torch.Generator().manual_seed(seed))` (float32);
- Euler (diffusers' EulerDiscreteScheduler, as runtime/schedulers/karras.ts): scaled_linear
  betas in float64, timesteps by the config's spacing (SD 1.5's config names none: Euler's
  default "linspace", fractional; SD-Turbo's: "trailing"), sigmas interpolated at them and
  rounded to float32, a final 0; x_0 = noise * sigma_max; per step the UNet sees
  x * 1 / sqrt(sigma^2 + 1) and int64(timestep) (truncated, as the ONNX int64 input is fed);
  eps = u + g (c - u) from [uncond; cond] rows when g > 1, else c alone; x += (sigma' - sigma) eps;
- decode: the vae_decoder graph (post_quant_conv + decoder) on x / scaling_factor, unclamped;
- loss = sum(w * image), w = torch.randn((1, 3, H, W), generator=manual_seed(w_seed)) (float32).

The embeddings are the float32 text encoder's output for a prompt and for the empty prompt
(the negative), stored as float32: the test feeds exactly
those float32 values, and the float64 graph starts from them. The noise and w are not
stored; the test draws them from their seeds with runtime/rng (torch.randn-exact).

Writes tests/fixtures/reference_generate_<model>.json with the inputs, the image and the
gradients with respect to the embedding (and the negative when guidance uses it), all as
float32-rounded lists.

Run from the repository root:
    /usr/bin/python3 -m tools.reference.generate_golden [--model sd15|sd-turbo|all]
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np
import torch

from .pipeline import build_pipeline
from .tokenizer import ClipBPE

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# One case per model: few steps, so Generate differentiates every step (gradientSteps 0 = all
# for schedules of 8 steps or fewer) and the golden is the full gradient.
CASES = {
    # 3 linspace steps: timesteps 999, 499.5 (the UNet gets 499), 0; guidance with a negative
    "sd15": {"prompt": "a red circle on a blue background", "seed": 7, "steps": 3, "guidance": 7.5, "w_seed": 2024},
    # SD-Turbo as it is used: 2 trailing steps (999, 499), no guidance (g = 0: the prompt alone)
    "sd-turbo": {"prompt": "a red circle on a blue background", "seed": 7, "steps": 2, "guidance": 0.0, "w_seed": 2024},
}


def randn(seed: int, shape: tuple[int, ...]) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def euler_schedule(config: dict, steps: int) -> tuple[list[float], list[float], float]:
    """(timesteps, sigmas + [0], init_noise_sigma) as runtime/schedulers/karras.ts computes them."""
    n = config["num_train_timesteps"]
    assert config["beta_schedule"] == "scaled_linear" and config.get("prediction_type", "epsilon") == "epsilon"
    betas = np.linspace(config["beta_start"] ** 0.5, config["beta_end"] ** 0.5, n, dtype=np.float64) ** 2
    acp = np.cumprod(1.0 - betas)
    train_sigmas = ((1 - acp) / acp) ** 0.5
    spacing = config.get("timestep_spacing") or "linspace"  # EulerDiscreteScheduler's default
    if spacing == "linspace":
        ts = np.linspace(0, n - 1, steps, dtype=np.float64)[::-1].astype(np.float32).astype(np.float64)
    elif spacing == "trailing":
        ts = np.round(n - np.arange(steps) * (n / steps)) - 1
    else:
        raise ValueError(f"spacing {spacing} not covered here")
    sigmas = [float(np.float32(np.interp(t, np.arange(n), train_sigmas))) for t in ts]
    init = max(sigmas)  # linspace and trailing start at sigma_max
    return [float(t) for t in ts], sigmas + [0.0], init


def f32_list(t: torch.Tensor) -> list[float]:
    """Float32-rounded values, each written with the fewest digits that read back as the same float32."""
    a = t.detach().to(torch.float32).reshape(-1).numpy()
    return [float(np.format_float_positional(v, unique=True, trim="-")) for v in a]


def golden(model: str) -> dict:
    case = CASES[model]
    folder = os.path.join(ROOT, "models", "reference", model)
    with open(os.path.join(folder, "scheduler", "scheduler_config.json")) as f:
        config = json.load(f)
    with open(os.path.join(folder, "vae_decoder", "config.json")) as f:
        scaling = json.load(f).get("scaling_factor", 0.18215)
    pipe = build_pipeline(model, full=False, seed=0)
    # the text encoder only makes the inputs (float32, as the product runs it); the
    # differentiated graph, UNet steps and decoder, runs in float64
    text = pipe.text_encoder.eval()
    unet, vae = (m.double().eval() for m in (pipe.unet, pipe.vae))
    tok = ClipBPE.load(os.path.join(folder, "tokenizer"))
    ids = torch.tensor([tok.encode(case["prompt"]), tok.encode("")], dtype=torch.int32)
    with torch.no_grad():
        hidden = text(ids)[0].to(torch.float32)  # the stored inputs: float32
    emb = hidden[0:1].double().requires_grad_(True)
    neg = hidden[1:2].double().requires_grad_(True)
    guided = case["guidance"] > 1

    sample_size = pipe.spec.unet.sample_size
    noise = randn(case["seed"], (1, 4, sample_size, sample_size)).double()
    timesteps, sigmas, init = euler_schedule(config, case["steps"])
    x = noise * init
    for i, t in enumerate(timesteps):
        scale = 1 / (sigmas[i] ** 2 + 1) ** 0.5
        inp = x * scale
        t_in = torch.tensor([int(t)], dtype=torch.int64)
        if guided:
            out = unet(torch.cat([inp, inp]), t_in, torch.cat([neg, emb]))
            u, c = out.chunk(2)
            eps = u + case["guidance"] * (c - u)
        else:
            eps = unet(inp, t_in, emb)
        x = x + (sigmas[i + 1] - sigmas[i]) * eps
    image = vae.decode(x / scaling)
    w = randn(case["w_seed"], tuple(image.shape)).double()
    loss = (w * image).sum()
    loss.backward()
    out = {
        "model": f"models/reference/{model}",
        "written_by": "/usr/bin/python3 -m tools.reference.generate_golden",
        "prompt": case["prompt"],
        "negative_prompt": "",
        "seed": case["seed"],
        "steps": case["steps"],
        "guidance": case["guidance"],
        "scheduler": "euler",
        "timesteps": timesteps,
        "sigmas": sigmas,
        "w_seed": case["w_seed"],
        "loss": float(loss),
        "embedding": {"dims": list(emb.shape), "data": f32_list(emb)},
        "image": {"dims": list(image.shape), "data": f32_list(image)},
        "grad_embedding": {"dims": list(emb.shape), "data": f32_list(emb.grad)},
    }
    if guided:
        out["negative"] = {"dims": list(neg.shape), "data": f32_list(neg)}
        out["grad_negative"] = {"dims": list(neg.shape), "data": f32_list(neg.grad)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="all", choices=[*CASES, "all"])
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "fixtures"))
    args = ap.parse_args()
    torch.set_grad_enabled(True)
    for model in CASES if args.model == "all" else [args.model]:
        data = golden(model)
        path = os.path.join(args.out, f"reference_generate_{model}.json")
        with open(path, "w") as f:
            json.dump(data, f, separators=(",", ":"))
        norm = float(np.linalg.norm(data["grad_embedding"]["data"]))
        print(f"{model}: loss {data['loss']:.6g}, |grad embedding| {norm:.6g} -> {os.path.relpath(path, ROOT)} ({os.path.getsize(path) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
