"""Procedural training data: one shape, roughly centred, on a plain background.

Captions are exactly `a {color} {shape} on a {color} background`. The palette below is
the single source of the colours; it is written to models/tiny/palette.json because the
TypeScript quality test classifies generated images with it.
"""
from __future__ import annotations

import math

import torch

IMAGE_SIZE = 64

# name -> RGB 0..255. Chosen to be far apart in RGB (min pairwise distance ~100).
PALETTE: dict[str, tuple[int, int, int]] = {
    "red": (220, 30, 30),
    "green": (30, 170, 50),
    "blue": (30, 60, 220),
    "yellow": (245, 225, 40),
    "purple": (140, 40, 180),
    "orange": (250, 135, 15),
    "white": (245, 245, 245),
    "black": (15, 15, 15),
}
COLORS = list(PALETTE)
SHAPES = ["circle", "square", "triangle"]
# Caption words plus a few common ones; each becomes one `word</w>` token.
WORDS = ["a", "on", "background"] + COLORS + SHAPES + [
    "an", "the", "of", "in", "with", "and", "photo", "picture", "painting", "shape", "color",
    "big", "small", "bright", "dark",
]


def caption(fg: str, shape: str, bg: str) -> str:
    return f"a {fg} {shape} on a {bg} background"


def all_prompts() -> list[tuple[str, str, str]]:
    """Every (shape colour, shape, background colour) with shape colour != background."""
    return [(fg, s, bg) for fg in COLORS for s in SHAPES for bg in COLORS if fg != bg]


def palette_tensor() -> torch.Tensor:
    """[8,3] palette in [-1,1], in COLORS order."""
    return torch.tensor([PALETTE[c] for c in COLORS], dtype=torch.float32) / 127.5 - 1.0


def render(fg: torch.Tensor, shape: torch.Tensor, bg: torch.Tensor, gen: torch.Generator | None = None,
           ss: int = 2) -> torch.Tensor:
    """Render a batch. fg/bg: [B] colour indices, shape: [B] shape indices.

    Returns [B,3,64,64] in [-1,1]. Shapes are centred with +-3 px offset and +-10% size
    jitter, anti-aliased by ss x ss supersampling. Sizes are chosen so that the central
    16x16 px is inside the shape and the outer 6 px ring is background (the probe's
    regions), up to the jitter.
    """
    B = fg.shape[0]
    n = IMAGE_SIZE * ss
    u = lambda *s: torch.rand(*s, generator=gen)
    cx = 32 + (u(B) * 6 - 3)
    cy = 32 + (u(B) * 6 - 3)
    scale = 0.9 + 0.2 * u(B)
    # pixel-centre coordinates in image pixels, [n]
    coords = (torch.arange(n, dtype=torch.float32) + 0.5) / ss
    x = coords.view(1, 1, n) - cx.view(B, 1, 1)
    y = coords.view(1, n, 1) - cy.view(B, 1, 1)
    s = scale.view(B, 1, 1)

    circle = (x * x + y * y) <= (19 * s) ** 2
    square = (x.abs() <= 17 * s) & (y.abs() <= 17 * s)
    # equilateral triangle pointing up, incentre at (cx, cy), inradius r (circumradius 2r)
    r = 13 * s
    tri = y <= r  # bottom edge
    for ang in (math.radians(30), math.radians(150)):  # the two slanted edges' normals
        nx, ny = math.cos(ang), -math.sin(ang)
        tri = tri & (x * nx + y * ny <= r)
    masks = torch.stack([circle, square, tri], 1).float()  # [B,3,n,n]
    m = masks[torch.arange(B), shape]  # [B,n,n]
    if ss > 1:
        m = torch.nn.functional.avg_pool2d(m.unsqueeze(1), ss).squeeze(1)
    pal = palette_tensor()
    f = pal[fg].view(B, 3, 1, 1)
    b = pal[bg].view(B, 3, 1, 1)
    return b + (f - b) * m.unsqueeze(1)


def sample_batch(B: int, gen: torch.Generator | None = None):
    """Random (fg, shape, bg) with fg != bg; returns indices and captions."""
    fg = torch.randint(0, len(COLORS), (B,), generator=gen)
    bg = (fg + torch.randint(1, len(COLORS), (B,), generator=gen)) % len(COLORS)
    shape = torch.randint(0, len(SHAPES), (B,), generator=gen)
    caps = [caption(COLORS[a], SHAPES[s], COLORS[c]) for a, s, c in zip(fg.tolist(), shape.tolist(), bg.tolist())]
    return fg, shape, bg, caps


# The probe's regions (pixel index ranges, inclusive start, exclusive end).
CENTER = (24, 40)  # rows/cols 24..39: the central 16x16 px
BORDER = 6  # the outer ring: pixels with row or col < 6 or >= 58


def region_means(img: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """img [B,3,64,64] in 0..255 -> (centre mean [B,3], border-ring mean [B,3])."""
    c = img[:, :, CENTER[0]:CENTER[1], CENTER[0]:CENTER[1]].mean((2, 3))
    ring = torch.ones(IMAGE_SIZE, IMAGE_SIZE, dtype=torch.bool)
    ring[BORDER:IMAGE_SIZE - BORDER, BORDER:IMAGE_SIZE - BORDER] = False
    b = img[:, :, ring].mean(2)
    return c, b


def classify(rgb: torch.Tensor) -> torch.Tensor:
    """Nearest palette colour (Euclidean in RGB 0..255) -> index into COLORS."""
    pal = torch.tensor([PALETTE[c] for c in COLORS], dtype=torch.float32)
    return torch.cdist(rgb.float(), pal).argmin(1)
