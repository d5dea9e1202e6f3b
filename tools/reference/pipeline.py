"""The torch modules of a reference model, with exactly the weights that build.py exports."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .clip_text import CLIPTextModel
from .configs import ModelSpec, get_spec
from .unet import UNet2DConditionModel
from .vae import AutoencoderKL
from .weights import init_weights

# Each component gets its own seed, so its weights do not depend on whether, or in which
# order, the other components were built; the two models get different weights.
SEED_OFFSETS = {"text_encoder": 0, "unet": 1, "vae": 2}
MODEL_OFFSETS = {"sd15": 0, "sd-turbo": 10}


def component_seed(spec: ModelSpec, component: str, seed: int) -> int:
    return seed * 100 + MODEL_OFFSETS[spec.name] + SEED_OFFSETS[component]


@dataclass
class Pipeline:
    spec: ModelSpec
    seed: int
    text_encoder: CLIPTextModel
    unet: UNet2DConditionModel
    vae: AutoencoderKL


def build_component(spec: ModelSpec, component: str, seed: int) -> torch.nn.Module:
    ctor = {
        "text_encoder": lambda: CLIPTextModel(spec.text),
        "unet": lambda: UNet2DConditionModel(spec.unet),
        "vae": lambda: AutoencoderKL(spec.vae),
    }[component]
    model = ctor()
    # As in the real VAE, latents * scaling_factor are O(1): the decoder's input is
    # latents / scaling_factor and the encoder's mean is about 1 / scaling_factor.
    sf = spec.vae.scaling_factor
    gains = {"decoder.conv_in": sf, "encoder.conv_out": 1 / sf} if component == "vae" else None
    torch.manual_seed(component_seed(spec, component, seed))
    return init_weights(model, gains)


def build_pipeline(model: str, full: bool = False, seed: int = 0) -> Pipeline:
    """`model`: "sd15" | "sd-turbo". Deterministic in (model, full, seed); eval mode, float32."""
    spec = get_spec(model, full)
    return Pipeline(spec, seed, *(build_component(spec, c, seed) for c in ("text_encoder", "unet", "vae")))
