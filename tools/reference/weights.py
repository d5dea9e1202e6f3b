"""Seeded random weights that keep activations O(1) through a whole network.

Draws every parameter from the global torch generator (seed it with torch.manual_seed
first) module by module in `named_modules()` order, so a module's weights are a pure function of the
seed and the architecture.

- Conv / Linear weights: N(0, gain^2 / fan_in), gain 1, so a layer roughly keeps the
  scale of its input; biases N(0, 0.02^2).
- Layers that close a residual branch (resnet conv2, attention to_out, feed-forward
  output, Transformer2D proj_out, CLIP out_proj / fc2) use gain RESIDUAL_GAIN, so the
  residual stream grows slowly over the tens of residual units of a full-size model.
- Norm weights 1 + N(0, 0.05^2), biases N(0, 0.02^2).
- Token embeddings N(0, 1), position embeddings N(0, 0.1^2).
"""
from __future__ import annotations

import math

import torch
from torch import nn

RESIDUAL_GAIN = 0.4
BIAS_STD = 0.02
NORM_STD = 0.05

_RESIDUAL_OUT = ("conv2", "to_out.0", "ff.net.2", "proj_out", "out_proj", "fc2")


def _closes_residual(name: str) -> bool:
    return any(name == s or name.endswith("." + s) for s in _RESIDUAL_OUT)


@torch.no_grad()
def init_weights(model: nn.Module, gains: dict[str, float] | None = None) -> nn.Module:
    """`gains`: module name -> gain, overriding the rules above (e.g. a first layer
    whose input is known to be larger than O(1))."""
    gains = gains or {}
    for name, module in model.named_modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            fan_in = module.weight[0].numel()
            gain = gains.get(name, RESIDUAL_GAIN if _closes_residual(name) else 1.0)
            module.weight.normal_(0.0, gain / math.sqrt(fan_in))
            if module.bias is not None:
                module.bias.normal_(0.0, BIAS_STD)
        elif isinstance(module, (nn.GroupNorm, nn.LayerNorm)):
            module.weight.normal_(1.0, NORM_STD)
            module.bias.normal_(0.0, BIAS_STD)
        elif isinstance(module, nn.Embedding):
            std = 1.0 if name.endswith("token_embedding") else 0.1
            module.weight.normal_(0.0, std)
    return model.eval()
