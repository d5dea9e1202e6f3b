"""DDPM noise schedule for training and diffusers' EulerDiscreteScheduler for sampling.

The config written to models/tiny/scheduler/scheduler_config.json is the single source;
both training (add_noise) and the probe (Euler sampling) read it from here.
"""
from __future__ import annotations

import torch

CONFIG = {
    "_class_name": "EulerDiscreteScheduler",
    "_diffusers_version": "0.21.0",
    "num_train_timesteps": 1000,
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "prediction_type": "epsilon",
    "timestep_spacing": "leading",
    "steps_offset": 1,
    "clip_sample": False,
    "set_alpha_to_one": False,
    "interpolation_type": "linear",
    "use_karras_sigmas": False,
    "trained_betas": None,
}


def alphas_cumprod(dtype=torch.float64) -> torch.Tensor:
    c = CONFIG
    betas = torch.linspace(c["beta_start"] ** 0.5, c["beta_end"] ** 0.5, c["num_train_timesteps"], dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, 0).to(dtype)


def add_noise(x0: torch.Tensor, noise: torch.Tensor, t: torch.Tensor, acp: torch.Tensor) -> torch.Tensor:
    a = acp[t].to(x0.dtype).view(-1, *([1] * (x0.dim() - 1)))
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


def euler_timesteps(steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """("leading" spacing, steps_offset 1) -> timesteps [steps] int64, sigmas [steps+1]."""
    n = CONFIG["num_train_timesteps"]
    ratio = n // steps
    ts = (torch.arange(steps) * ratio).flip(0) + CONFIG["steps_offset"]
    acp = alphas_cumprod()
    sig_all = ((1 - acp) / acp) ** 0.5
    sigmas = torch.cat([sig_all[ts], torch.zeros(1, dtype=torch.float64)])
    return ts.long(), sigmas.float()


@torch.no_grad()
def euler_sample(unet, cond: torch.Tensor, uncond: torch.Tensor, noise: torch.Tensor,
                 steps: int = 20, guidance: float = 7.5) -> torch.Tensor:
    """Classifier-free-guided Euler sampling, exactly as diffusers' EulerDiscreteScheduler.

    x = noise * sqrt(sigma_max^2 + 1); per step: eps = u + g (c - u) on the input
    x / sqrt(sigma^2 + 1); x += eps * (sigma_next - sigma). Returns scaled latents
    (divide by scaling_factor before the VAE decoder).
    """
    ts, sigmas = euler_timesteps(steps)
    x = noise * (sigmas[0] ** 2 + 1) ** 0.5
    B = x.shape[0]
    ctx = torch.cat([uncond.expand(B, -1, -1), cond])
    for i, t in enumerate(ts):
        s = sigmas[i]
        inp = x / (s ** 2 + 1) ** 0.5
        out = unet(torch.cat([inp, inp]), t.view(1), ctx)
        u, c = out.chunk(2)
        eps = u + guidance * (c - u)
        x = x + eps * (sigmas[i + 1] - s)
    return x
