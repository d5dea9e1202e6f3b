"""Stage 2: train the text encoder and the UNet jointly (DDPM, epsilon prediction).

Latents come from the frozen VAE encoder (pre-encoded per prompt, scaled by
scaling_factor). A batch is `groups` random prompts x (batch/groups) images each, so the
text encoder runs on groups+1 rows (the prompts and "") instead of one per image: the
CPU budget goes to the UNet. 10% of images get the empty prompt "" instead (caption
dropout) so classifier-free guidance works. An EMA copy of
both models is kept; it is what gets exported. `on_checkpoint(ema_te, ema_unet, step)`
is called every `checkpoint_minutes` so a usable model always exists.
"""
from __future__ import annotations

import copy
import math
import time

import torch

from . import scheduler
from .models import TextEncoder, UNet


class EMA:
    def __init__(self, model: torch.nn.Module, decay: float):
        self.decay = decay
        self.model = copy.deepcopy(model).eval()
        for p in self.model.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: torch.nn.Module, step: int) -> None:
        d = min(self.decay, (1 + step) / (10 + step))  # warm-up so early EMAs are usable
        for e, p in zip(self.model.parameters(), model.parameters()):
            e.mul_(d).add_(p.detach(), alpha=1 - d)


def train_unet(latents: torch.Tensor, captions: list[str], tok, te: TextEncoder, unet: UNet, minutes: float,
               batch: int = 64, groups: int = 16, lr: float = 1e-3, cfg_drop: float = 0.1, ema_decay: float = 0.999,
               checkpoint_minutes: float = 12.0, on_checkpoint=None, seed: int = 0, log=print,
               max_steps: int | None = None):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 2)
    # latents: [num_prompts, per_prompt, 4, 8, 8]; captions: [num_prompts]
    P, K = latents.shape[:2]
    per = batch // groups
    ids_all = torch.tensor([tok.encode(c) for c in captions] + [tok.encode("")], dtype=torch.long)
    acp = scheduler.alphas_cumprod(torch.float32)
    snr = acp / (1 - acp)
    params = list(te.parameters()) + list(unet.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01, betas=(0.9, 0.99))
    warm = 300
    ema_te, ema_unet = EMA(te, ema_decay), EMA(unet, ema_decay)
    t_start = time.time()
    t_ckpt = t_start
    deadline = t_start + minutes * 60
    step, run_loss = 0, None
    while time.time() < deadline and (max_steps is None or step < max_steps):
        # lr: warm-up, then cosine over the time budget (time-based, as steps/s varies)
        frac = min(1.0, (time.time() - t_start) / (minutes * 60))
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, (step + 1) / warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        cls = torch.randperm(P, generator=gen)[:groups]
        x0 = latents[cls.repeat_interleave(per), torch.randint(0, K, (groups * per,), generator=gen)]
        rows = torch.arange(groups).repeat_interleave(per)  # row of each image in the TE batch
        rows[torch.rand(groups * per, generator=gen) < cfg_drop] = groups  # -> the "" row
        ctx = te(torch.cat([ids_all[cls], ids_all[-1:]]))[rows]
        t = torch.randint(0, scheduler.CONFIG["num_train_timesteps"], (groups * per,), generator=gen)
        noise = torch.randn(x0.shape, generator=gen)
        xt = scheduler.add_noise(x0, noise, t, acp)
        pred = unet(xt, t, ctx)
        # min-SNR-5 weighting (epsilon form): faster convergence for few steps
        w = torch.clamp(snr[t], max=5.0) / snr[t]
        loss = ((pred - noise).pow(2).mean((1, 2, 3)) * w).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        ema_te.update(te, step)
        ema_unet.update(unet, step)
        run_loss = loss.item() if run_loss is None else 0.98 * run_loss + 0.02 * loss.item()
        step += 1
        if step % 100 == 0:
            log(f"[unet] step {step} loss {run_loss:.4f} lr {opt.param_groups[0]['lr']:.2e} "
                f"({time.time() - t_start:.0f}s)")
        if on_checkpoint is not None and time.time() - t_ckpt > checkpoint_minutes * 60:
            on_checkpoint(ema_te.model, ema_unet.model, step, run_loss)
            t_ckpt = time.time()
    log(f"[unet] done: {step} steps, loss {run_loss:.4f}, {time.time() - t_start:.0f}s")
    return ema_te.model, ema_unet.model, {"steps": step, "loss": run_loss, "seconds": time.time() - t_start}
