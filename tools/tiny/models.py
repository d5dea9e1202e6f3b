"""The tiny Stable-Diffusion-shaped models: CLIP-like text encoder, UNet, VAE.

Only plain ops are used so the ONNX exports stay within what the JS runtime (and its
hand-written autodiff) supports: Conv, MatMul/Gemm, Add/Mul/Div, Softmax, Sigmoid
(SiLU and quick_gelu are x*sigmoid(a*x)), GroupNorm, LayerNorm, Resize (nearest),
Reshape/Transpose, Sin/Cos/Exp for the timestep embedding.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

MAX_LEN = 77


def quick_gelu(x: torch.Tensor) -> torch.Tensor:
    return x * torch.sigmoid(1.702 * x)


def silu(x: torch.Tensor) -> torch.Tensor:
    # written out so the export is Sigmoid+Mul on every opset/exporter version
    return x * torch.sigmoid(x)


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, heads: int,
              mask: torch.Tensor | None = None) -> torch.Tensor:
    """Plain multi-head attention: softmax(q k^T / sqrt(d) + mask) v.

    q [B,Lq,C], k/v [B,Lk,C] -> [B,Lq,C].
    """
    B, Lq, C = q.shape
    Lk = k.shape[1]
    d = C // heads
    q = q.reshape(B, Lq, heads, d).transpose(1, 2)
    k = k.reshape(B, Lk, heads, d).transpose(1, 2)
    v = v.reshape(B, Lk, heads, d).transpose(1, 2)
    w = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d))
    if mask is not None:
        w = w + mask
    w = torch.softmax(w, dim=-1)
    return torch.matmul(w, v).transpose(1, 2).reshape(B, Lq, C)


# --------------------------------------------------------------------------- text encoder
class TextLayer(nn.Module):
    """Pre-LN CLIP encoder layer: x + attn(ln1(x)), x + mlp(ln2(x))."""

    def __init__(self, d: int, heads: int):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.ln1(x)
        x = x + self.o(attention(self.q(h), self.k(h), self.v(h), self.heads, mask))
        return x + self.fc2(quick_gelu(self.fc1(self.ln2(x))))


class TextEncoder(nn.Module):
    """CLIP-like: token + learned position embeddings, causal pre-LN layers, final LN."""

    def __init__(self, vocab_size: int, d: int = 128, layers: int = 3, heads: int = 4):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d)
        self.pos = nn.Parameter(torch.randn(MAX_LEN, d) * 0.01)
        self.layers = nn.ModuleList(TextLayer(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        nn.init.normal_(self.tok.weight, std=0.02)
        # additive causal mask, a constant in the exported graph (large negative, not -inf,
        # so gradients and float64 copies stay finite)
        self.register_buffer("mask", torch.triu(torch.full((MAX_LEN, MAX_LEN), -1e9), 1), persistent=False)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        x = self.tok(input_ids.long()) + self.pos
        for layer in self.layers:
            x = layer(x, self.mask.to(x.dtype))
        return self.ln_f(x)


# --------------------------------------------------------------------------- UNet
def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding as in diffusers (flip_sin_to_cos=True, shift 0): [N] -> [N,dim]."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half).to(t.dtype)
    a = t.view(-1, 1) * freqs.view(1, -1)
    return torch.cat([torch.cos(a), torch.sin(a)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, temb: int, groups: int = 8):
        super().__init__()
        self.n1 = nn.GroupNorm(groups, cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout) if temb else None
        self.n2 = nn.GroupNorm(groups, cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        nn.init.zeros_(self.c2.weight)
        nn.init.zeros_(self.c2.bias)

    def forward(self, x: torch.Tensor, temb: torch.Tensor | None = None) -> torch.Tensor:
        h = self.c1(silu(self.n1(x)))
        if self.t is not None:
            h = h + self.t(silu(temb))[:, :, None, None]
        h = self.c2(silu(self.n2(h)))
        return self.skip(x) + h


class SpatialTransformer(nn.Module):
    """SD's transformer block on feature maps: self-attn, cross-attn on all 77 tokens, MLP."""

    def __init__(self, c: int, ctx_dim: int, heads: int = 4, groups: int = 8):
        super().__init__()
        self.heads = heads
        self.norm = nn.GroupNorm(groups, c)
        self.proj_in = nn.Linear(c, c)
        self.ln1 = nn.LayerNorm(c)
        self.q1, self.k1, self.v1 = (nn.Linear(c, c, bias=False) for _ in range(3))
        self.o1 = nn.Linear(c, c)
        self.ln2 = nn.LayerNorm(c)
        self.q2 = nn.Linear(c, c, bias=False)
        self.k2 = nn.Linear(ctx_dim, c, bias=False)
        self.v2 = nn.Linear(ctx_dim, c, bias=False)
        self.o2 = nn.Linear(c, c)
        self.ln3 = nn.LayerNorm(c)
        self.fc1 = nn.Linear(c, 4 * c)
        self.fc2 = nn.Linear(4 * c, c)
        self.proj_out = nn.Linear(c, c)
        nn.init.zeros_(self.proj_out.weight)
        nn.init.zeros_(self.proj_out.bias)

    def forward(self, x: torch.Tensor, ctx: torch.Tensor) -> torch.Tensor:
        B, C, H, W = x.shape
        h = self.norm(x).reshape(B, C, H * W).transpose(1, 2)  # [B,HW,C]
        h = self.proj_in(h)
        n = self.ln1(h)
        h = h + self.o1(attention(self.q1(n), self.k1(n), self.v1(n), self.heads))
        n = self.ln2(h)
        h = h + self.o2(attention(self.q2(n), self.k2(ctx), self.v2(ctx), self.heads))
        h = h + self.fc2(quick_gelu(self.fc1(self.ln3(h))))
        h = self.proj_out(h).transpose(1, 2).reshape(B, C, H, W)
        return x + h


class UNet(nn.Module):
    """Epsilon-prediction UNet on [B,4,8,8] latents; levels 8x8 (c1) and 4x4 (c2)."""

    def __init__(self, ctx_dim: int = 128, c1: int = 64, c2: int = 96, temb: int = 256):
        super().__init__()
        self.c1 = c1
        self.t1 = nn.Linear(c1, temb)
        self.t2 = nn.Linear(temb, temb)
        self.conv_in = nn.Conv2d(4, c1, 3, padding=1)
        self.d1 = ResBlock(c1, c1, temb)
        self.a1 = SpatialTransformer(c1, ctx_dim)
        self.down = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.d2 = ResBlock(c1, c2, temb)
        self.a2 = SpatialTransformer(c2, ctx_dim)
        self.m1 = ResBlock(c2, c2, temb)
        self.am = SpatialTransformer(c2, ctx_dim)
        self.m2 = ResBlock(c2, c2, temb)
        self.u2 = ResBlock(c2 + c2, c2, temb)
        self.au2 = SpatialTransformer(c2, ctx_dim)
        self.up = nn.Conv2d(c2, c2, 3, padding=1)
        self.u1 = ResBlock(c2 + c1, c1, temb)
        self.au1 = SpatialTransformer(c1, ctx_dim)
        self.n_out = nn.GroupNorm(8, c1)
        self.conv_out = nn.Conv2d(c1, 4, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, encoder_hidden_states: torch.Tensor) -> torch.Tensor:
        # timestep: [1] or [B], any dtype; cast inside like optimum's exports expect
        t = timestep.to(sample.dtype).reshape(-1)
        temb = self.t2(silu(self.t1(timestep_embedding(t, self.c1))))
        ctx = encoder_hidden_states
        h = self.conv_in(sample)
        h1 = self.a1(self.d1(h, temb), ctx)  # 8x8
        h = self.down(h1)  # 4x4
        h2 = self.a2(self.d2(h, temb), ctx)
        h = self.m2(self.am(self.m1(h2, temb), ctx), temb)
        h = self.au2(self.u2(torch.cat([h, h2], 1), temb), ctx)
        h = self.up(F.interpolate(h, scale_factor=2.0, mode="nearest"))  # 8x8
        h = self.au1(self.u1(torch.cat([h, h1], 1), temb), ctx)
        return self.conv_out(silu(self.n_out(h)))


# --------------------------------------------------------------------------- VAE
class VAEEncoder(nn.Module):
    """[B,3,64,64] in [-1,1] -> (mean, logvar) each [B,4,8,8]; three stride-2 downsamples."""

    def __init__(self, chs=(16, 32, 64, 64)):
        super().__init__()
        a, b, c, d = chs
        self.conv_in = nn.Conv2d(3, a, 3, padding=1)
        self.down1 = nn.Conv2d(a, b, 3, stride=2, padding=1)  # 32
        self.r1 = ResBlock(b, b, 0)
        self.down2 = nn.Conv2d(b, c, 3, stride=2, padding=1)  # 16
        self.r2 = ResBlock(c, c, 0)
        self.down3 = nn.Conv2d(c, d, 3, stride=2, padding=1)  # 8
        self.r3 = ResBlock(d, d, 0)
        self.n_out = nn.GroupNorm(8, d)
        self.conv_out = nn.Conv2d(d, 8, 3, padding=1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = silu(self.conv_in(x))
        h = self.r1(self.down1(h))
        h = self.r2(self.down2(h))
        h = self.r3(self.down3(h))
        mean, logvar = self.conv_out(silu(self.n_out(h))).chunk(2, 1)
        return mean, logvar.clamp(-30.0, 20.0)

    def mean(self, x: torch.Tensor) -> torch.Tensor:
        """The posterior mean only (what vae_encoder/model.onnx outputs): the first 4 output
        channels of conv_out, as one Conv so the exported graph has static channel dims."""
        h = silu(self.conv_in(x))
        h = self.r1(self.down1(h))
        h = self.r2(self.down2(h))
        h = self.r3(self.down3(h))
        w, b = self.conv_out.weight, self.conv_out.bias
        return F.conv2d(silu(self.n_out(h)), w[:4], b[:4], padding=1)


class VAEDecoder(nn.Module):
    """[B,4,8,8] (unscaled) latents -> [B,3,64,64]; three nearest-neighbour upsamples."""

    def __init__(self, chs=(64, 64, 32, 16)):
        super().__init__()
        a, b, c, d = chs
        self.conv_in = nn.Conv2d(4, a, 3, padding=1)
        self.r0 = ResBlock(a, a, 0)
        self.up1 = nn.Conv2d(a, b, 3, padding=1)  # 16
        self.r1 = ResBlock(b, b, 0)
        self.up2 = nn.Conv2d(b, c, 3, padding=1)  # 32
        self.r2 = ResBlock(c, c, 0)
        self.up3 = nn.Conv2d(c, d, 3, padding=1)  # 64
        self.n_out = nn.GroupNorm(8, d)
        self.conv_out = nn.Conv2d(d, 3, 3, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        up = lambda h: F.interpolate(h, scale_factor=2.0, mode="nearest")
        h = self.r0(self.conv_in(z))
        h = self.r1(self.up1(up(h)))
        h = self.r2(self.up2(up(h)))
        h = self.up3(up(h))
        return self.conv_out(silu(self.n_out(h)))
