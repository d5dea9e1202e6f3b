"""The build pipeline behind tools/build_tiny_model.py.

tokenizer -> VAE -> (scaling factor, latent dataset) -> text encoder + UNet (with periodic
checkpoint + export + quick probe) -> final export, probe, quality.json, golden fixtures.
Checkpoints live in tools/.cache/ (gitignored).
"""
from __future__ import annotations

import argparse
import json
import os
import time

import torch

from . import data, fixtures, probe
from .checkpoint import ARCH, CACHE, CKPT, OUT, VAE_CKPT, load_checkpoint, make_models, save_checkpoint
from .export import export_all
from .models import VAEDecoder, VAEEncoder
from .tokenizer import write_tokenizer
from .train_unet import train_unet
from .train_vae import encode_dataset, scaling_factor, train_vae

def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def publish(tok, te, unet, enc, dec, scaling, meta: dict, seeds, prompt_stride: int = 1, probe_it: bool = True,
            sweep: bool = False):
    """Checkpoint, export ONNX + configs, probe, write quality.json. Returns probe result."""
    t0 = time.time()
    save_checkpoint(te, unet, enc, dec, scaling, meta)
    export_all(OUT, te, unet, enc, dec, scaling, {"arch": ARCH, "training": meta})
    if not probe_it:
        log(f"[publish] exported (probe skipped) in {time.time() - t0:.0f}s")
        return None
    res = probe.run_probe(tok, te, unet, dec, scaling, seeds=seeds, png_path=os.path.join(CACHE, "probe.png"),
                          prompt_stride=prompt_stride)
    sw = probe.run_sweep(tok, te, unet, dec, scaling) if sweep else None
    probe.write_quality(os.path.join(OUT, "quality.json"), res, scaling, sw)
    log(f"[publish] exported + probe {res['fraction']:.3f} (centre {res['centre_fraction']:.3f}, "
        f"border {res['border_fraction']:.3f}, {res['samples']} samples) in {time.time() - t0:.0f}s")
    return res


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--vae-steps", type=int, default=1500)
    ap.add_argument("--vae-minutes", type=float, default=10.0)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; 1 is fastest when the CPUs are shared (OpenMP teams stall)")
    ap.add_argument("--unet-minutes", type=float, default=40.0)
    ap.add_argument("--checkpoint-minutes", type=float, default=12.0)
    ap.add_argument("--per-prompt", type=int, default=64, help="pre-encoded training images per prompt")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--skip-probe", action="store_true", help="with --export-only: keep quality.json as is")
    ap.add_argument("--final-seeds", default="0,1,2", help="probe seeds for the final quality.json")
    ap.add_argument("--reuse-vae", action="store_true", help="reuse tools/.cache/tiny_vae.pt if present")
    ap.add_argument("--export-only", action="store_true", help="re-export + probe + fixtures from the checkpoint")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    os.makedirs(CACHE, exist_ok=True)
    t_all = time.time()

    fixtures.write_randn()
    tok = write_tokenizer(os.path.join(OUT, "tokenizer"), data.WORDS)
    log(f"tokenizer: {len(tok.encoder)} tokens; caption ids "
        f"{tok.encode(data.caption('red', 'circle', 'blue'))[:9]}")

    if args.export_only:
        tok, te, unet, enc, dec, scaling = load_checkpoint()
        meta = torch.load(CKPT)["meta"]
    else:
        if args.reuse_vae and os.path.exists(VAE_CKPT):
            ck = torch.load(VAE_CKPT)
            enc, dec = VAEEncoder(), VAEDecoder()
            enc.load_state_dict(ck["enc"])
            dec.load_state_dict(ck["dec"])
            enc.eval()
            dec.eval()
            vae_stats = ck["stats"]
            log("reused VAE checkpoint")
        else:
            enc, dec, vae_stats = train_vae(args.vae_steps, args.vae_minutes, log=log)
            vae_stats["seconds"] = time.time() - t_all
            torch.save({"enc": enc.state_dict(), "dec": dec.state_dict(), "stats": vae_stats}, VAE_CKPT)
        for p in list(enc.parameters()) + list(dec.parameters()):
            p.requires_grad_(False)
        scaling = scaling_factor(enc)
        lat, caps = encode_dataset(enc, args.per_prompt)
        lat = lat * scaling
        log(f"scaling_factor {scaling:.5f}; dataset {tuple(lat.shape)} std {lat.std():.3f}")

        te, unet = make_models(len(tok.encoder))

        def on_ckpt(ema_te, ema_unet, step, loss):
            meta = {"vae": vae_stats, "unet_steps": step, "unet_loss": loss, "final": False}
            publish(tok, ema_te, ema_unet, enc, dec, scaling, meta, seeds=[0], prompt_stride=3)

        te, unet, stats = train_unet(lat, caps, tok, te, unet, args.unet_minutes, batch=args.batch, lr=args.lr,
                                     checkpoint_minutes=args.checkpoint_minutes, on_checkpoint=on_ckpt, log=log)
        meta = {"vae": vae_stats, "unet_steps": stats["steps"], "unet_loss": stats["loss"],
                "unet_seconds": stats["seconds"], "final": True}

    res = publish(tok, te, unet, enc, dec, scaling, meta, seeds=[int(x) for x in args.final_seeds.split(",")],
                  probe_it=not (args.export_only and args.skip_probe), sweep=True)
    path = fixtures.write_golden(tok, te, unet, dec, enc)
    log(f"golden fixtures: {path}")
    sizes = {k: os.path.getsize(os.path.join(OUT, k, "model.onnx")) / 1e6
             for k in ("text_encoder", "unet", "vae_decoder", "vae_encoder")}
    log(f"sizes MB {json.dumps(sizes)}; probe {res['fraction'] if res else 'skipped'}; "
        f"total {time.time() - t_all:.0f}s")
