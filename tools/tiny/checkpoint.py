"""Where the tiny model's files and checkpoints live, its architecture, and loading a checkpoint.

Shared by build.py (writes checkpoints), fixtures.py and probe.py (read them), so none of those
needs another.
"""
from __future__ import annotations

import os

import torch

from .models import TextEncoder, UNet, VAEDecoder, VAEEncoder
from .tokenizer import ClipBPE

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(REPO, "models", "tiny")
CACHE = os.path.join(REPO, "tools", ".cache")
VAE_CKPT = os.path.join(CACHE, "tiny_vae.pt")
CKPT = os.path.join(CACHE, "tiny_ckpt.pt")

# architecture hyper-parameters (kept in one place; recorded in model_index.json)
ARCH = {"text_layers": 3, "text_heads": 4, "hidden_size": 128, "unet_channels": [48, 96]}


def make_models(vocab_size: int):
    te = TextEncoder(vocab_size, ARCH["hidden_size"], ARCH["text_layers"], ARCH["text_heads"])
    unet = UNet(ARCH["hidden_size"], *ARCH["unet_channels"])
    return te, unet


def save_checkpoint(te, unet, enc, dec, scaling, meta: dict) -> None:
    torch.save({"te": te.state_dict(), "unet": unet.state_dict(), "enc": enc.state_dict(), "dec": dec.state_dict(),
                "scaling": scaling, "vocab_size": te.tok.num_embeddings, "meta": meta}, CKPT + ".tmp")
    os.replace(CKPT + ".tmp", CKPT)


def load_checkpoint(path: str = CKPT):
    ck = torch.load(path)
    tok = ClipBPE.load(os.path.join(OUT, "tokenizer"))
    te, unet = make_models(ck["vocab_size"])
    enc, dec = VAEEncoder(), VAEDecoder()
    for m, k in ((te, "te"), (unet, "unet"), (enc, "enc"), (dec, "dec")):
        m.load_state_dict(ck[k])
        m.eval()
    return tok, te, unet, enc, dec, ck["scaling"]
