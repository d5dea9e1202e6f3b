"""Minimal PNG writer (no PIL dependency) for looking at samples."""
from __future__ import annotations

import struct
import zlib

import torch


def save_png(path: str, img: torch.Tensor) -> None:
    """img: [3,H,W] or [H,W,3] uint8-like (0..255)."""
    if img.shape[0] == 3:
        img = img.permute(1, 2, 0)
    img = img.clamp(0, 255).round().to(torch.uint8).contiguous()
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + bytes(img[y].flatten().tolist()) for y in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def grid(imgs: torch.Tensor, cols: int = 8) -> torch.Tensor:
    """[N,3,H,W] in [-1,1] -> [3, rows*H, cols*W] in 0..255."""
    n, c, h, w = imgs.shape
    rows = (n + cols - 1) // cols
    out = torch.zeros(c, rows * h, cols * w)
    for i in range(n):
        r, q = divmod(i, cols)
        out[:, r * h:(r + 1) * h, q * w:(q + 1) * w] = (imgs[i].clamp(-1, 1) + 1) * 127.5
    return out
