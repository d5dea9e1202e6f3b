"""Stage 1: train the VAE (KL-regularised autoencoder, 64x64x3 <-> 4x8x8).

The KL weight is small (as in SD): the posterior noise keeps the decoder smooth around
the latents, without forcing them to unit variance. The scaling factor is 1/std of the
latent means over fresh data, so scaled latents have ~unit std.
"""
from __future__ import annotations

import math
import time

import torch

from . import data
from .models import VAEDecoder, VAEEncoder


def train_vae(steps: int, minutes: float = 1e9, batch: int = 32, lr: float = 2e-3, kl_weight: float = 1e-4, seed: int = 0,
              log=print) -> tuple[VAEEncoder, VAEDecoder, dict]:
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    enc, dec = VAEEncoder(), VAEDecoder()
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    warm = 50
    t0 = time.time()
    stats = {}
    for step in range(steps):
        if time.time() - t0 > minutes * 60:
            log(f"[vae] time budget reached at step {step}")
            break
        # warm-up, then cosine over whichever budget (steps or minutes) runs out first
        frac = min(1.0, max(step / steps, (time.time() - t0) / (minutes * 60)))
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, (step + 1) / warm) * 0.5 * (1 + math.cos(math.pi * frac))
        fg, shape, bg, _ = data.sample_batch(batch, gen)
        x = data.render(fg, shape, bg, gen)
        mean, logvar = enc(x)
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)
        rec = dec(z)
        mse = (rec - x).pow(2).mean()
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).mean()
        loss = mse + kl_weight * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            stats = {"step": step, "mse": mse.item(), "kl": kl.item(),
                     "post_std": torch.exp(0.5 * logvar).mean().item(), "lat_std": mean.std().item()}
            log(f"[vae] step {step} mse {stats['mse']:.5f} kl {stats['kl']:.3f} "
                f"post_std {stats['post_std']:.3f} lat_std {stats['lat_std']:.3f} ({time.time() - t0:.0f}s)")
    enc.eval()
    dec.eval()
    return enc, dec, stats


@torch.no_grad()
def encode_dataset(enc: VAEEncoder, per_class: int, seed: int = 123):
    """Render and encode `per_class` random (jittered) images of every prompt.

    Returns latent means [num_prompts, per_class, 4, 8, 8] and the captions.
    """
    gen = torch.Generator().manual_seed(seed)
    prompts = data.all_prompts()
    caps = [data.caption(*p) for p in prompts]
    fg = torch.tensor([data.COLORS.index(p[0]) for p in prompts])
    shape = torch.tensor([data.SHAPES.index(p[1]) for p in prompts])
    bg = torch.tensor([data.COLORS.index(p[2]) for p in prompts])
    lats = [enc(data.render(fg, shape, bg, gen))[0] for _ in range(per_class)]
    return torch.stack(lats, 1), caps


@torch.no_grad()
def scaling_factor(enc: VAEEncoder, n: int = 2048) -> float:
    fg, shape, bg, _ = data.sample_batch(n, torch.Generator().manual_seed(7))
    lat = torch.cat([enc(data.render(fg[i:i + 256], shape[i:i + 256], bg[i:i + 256]))[0] for i in range(0, n, 256)])
    return float(1.0 / lat.std())
