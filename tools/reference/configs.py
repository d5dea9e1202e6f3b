"""Architecture and file configs of the reference models (SD 1.5 and SD-Turbo / SD 2.1).

Every number the torch modules are built from lives here, for both widths:

- full: the public diffusers configs (runwayml/stable-diffusion-v1-5, stabilityai/sd-turbo);
- reduced: the same blocks and op patterns with fewer channels and text layers, small
  enough to commit (see README.md for the table and the reasons).

The `*_json` functions write the diffusers / transformers config files the way the
public repositories have them, with the reduced numbers where the width is reduced.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

MODELS = ("sd15", "sd-turbo")
MAX_LENGTH = 77
# The reduced tokenizer's vocabulary: 256 bytes + 256 "byte</w>" + 486 merges + 2 specials.
REDUCED_VOCAB = 1000
FULL_VOCAB = 49408
BOS = "<|startoftext|>"
EOS = "<|endoftext|>"
DIFFUSERS_VERSION = "0.21.0"


@dataclass(frozen=True)
class TextConfig:
    """transformers CLIPTextConfig (the fields CLIPTextModel uses)."""

    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    hidden_act: str  # "quick_gelu" (OpenAI CLIP) or "gelu" (OpenCLIP)
    projection_dim: int
    max_position_embeddings: int = MAX_LENGTH
    layer_norm_eps: float = 1e-5


@dataclass(frozen=True)
class UNetConfig:
    """diffusers UNet2DConditionModel config (the fields SD 1.x / 2.x use)."""

    block_out_channels: tuple[int, ...]
    cross_attention_dim: int
    # diffusers' name; for these models it is the number of heads per block (an int for
    # SD 1.x: 8 everywhere; a list for SD 2.x: channels / 64).
    attention_head_dim: Union[int, tuple[int, ...]]
    use_linear_projection: bool
    norm_num_groups: int
    sample_size: int
    layers_per_block: int = 2
    in_channels: int = 4
    out_channels: int = 4
    norm_eps: float = 1e-5
    flip_sin_to_cos: bool = True
    freq_shift: int = 0
    down_block_types: tuple[str, ...] = ("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",)
    up_block_types: tuple[str, ...] = ("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3

    def heads(self) -> tuple[int, ...]:
        """Attention heads of each down block (the up blocks use them reversed)."""
        h = self.attention_head_dim
        return tuple(h) if isinstance(h, tuple) else (h,) * len(self.block_out_channels)


@dataclass(frozen=True)
class VAEConfig:
    """diffusers AutoencoderKL config."""

    block_out_channels: tuple[int, ...]
    norm_num_groups: int
    sample_size: int
    layers_per_block: int = 2
    latent_channels: int = 4
    in_channels: int = 3
    out_channels: int = 3
    scaling_factor: float = 0.18215


@dataclass(frozen=True)
class ModelSpec:
    name: str  # "sd15" | "sd-turbo"
    full: bool
    text: TextConfig
    unet: UNetConfig
    vae: VAEConfig
    scheduler: dict
    pad_token: str  # SD 1.x pads with EOS, SD 2.x with "!"
    tokenizer_name_or_path: str
    extra_unet: dict = field(default_factory=dict)

    @property
    def width(self) -> str:
        return "full" if self.full else "reduced"


# ---------------------------------------------------------------------------------------
# schedulers (the public repos' scheduler/scheduler_config.json)

SD15_SCHEDULER = {
    "_class_name": "PNDMScheduler",
    "_diffusers_version": "0.6.0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "clip_sample": False,
    "num_train_timesteps": 1000,
    "prediction_type": "epsilon",
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "trained_betas": None,
}

SD_TURBO_SCHEDULER = {
    "_class_name": "EulerDiscreteScheduler",
    "_diffusers_version": "0.24.0.dev0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "clip_sample": False,
    "interpolation_type": "linear",
    "num_train_timesteps": 1000,
    "prediction_type": "epsilon",
    "sample_max_value": 1.0,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "timestep_spacing": "trailing",
    "trained_betas": None,
    "use_karras_sigmas": False,
}


# ---------------------------------------------------------------------------------------
# the two models at the two widths

def get_spec(model: str, full: bool) -> ModelSpec:
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r} (expected one of {', '.join(MODELS)})")
    if model == "sd15":
        if full:
            text = TextConfig(vocab_size=FULL_VOCAB, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                              num_attention_heads=12, hidden_act="quick_gelu", projection_dim=768)
            unet = UNetConfig(block_out_channels=(320, 640, 1280, 1280), cross_attention_dim=768,
                              attention_head_dim=8, use_linear_projection=False, norm_num_groups=32, sample_size=64)
            vae = VAEConfig(block_out_channels=(128, 256, 512, 512), norm_num_groups=32, sample_size=512)
        else:
            # text depth 12 -> 3 (a quarter, for size); 8 heads -> 2 fixed heads (head dims
            # 8/16/16/16: still "fixed head count, head dim grows with the width" like SD 1.x).
            text = TextConfig(vocab_size=REDUCED_VOCAB, hidden_size=64, intermediate_size=256, num_hidden_layers=3,
                              num_attention_heads=4, hidden_act="quick_gelu", projection_dim=64)
            unet = UNetConfig(block_out_channels=(16, 32, 32, 32), cross_attention_dim=64,
                              attention_head_dim=2, use_linear_projection=False, norm_num_groups=8, sample_size=8)
            vae = VAEConfig(block_out_channels=(16, 32, 32, 32), norm_num_groups=8, sample_size=64)
        return ModelSpec("sd15", full, text, unet, vae, SD15_SCHEDULER, pad_token=EOS,
                         tokenizer_name_or_path="openai/clip-vit-large-patch14")
    if full:
        # OpenCLIP ViT-H/14 text tower, penultimate layer: 24 - 1 = 23 layers
        text = TextConfig(vocab_size=FULL_VOCAB, hidden_size=1024, intermediate_size=4096, num_hidden_layers=23,
                          num_attention_heads=16, hidden_act="gelu", projection_dim=512)
        unet = UNetConfig(block_out_channels=(320, 640, 1280, 1280), cross_attention_dim=1024,
                          attention_head_dim=(5, 10, 20, 20), use_linear_projection=True, norm_num_groups=32,
                          sample_size=64)
        vae = VAEConfig(block_out_channels=(128, 256, 512, 512), norm_num_groups=32, sample_size=768)
    else:
        # text depth 24 -> 6 (a quarter, for size), minus one as in SD 2.x: 5 layers; head dim
        # 64 -> 8, heads = channels / 8 (2/4/4/4): still "fixed head dim" like SD 2.x.
        text = TextConfig(vocab_size=REDUCED_VOCAB, hidden_size=80, intermediate_size=320, num_hidden_layers=5,
                          num_attention_heads=5, hidden_act="gelu", projection_dim=64)
        unet = UNetConfig(block_out_channels=(16, 32, 32, 32), cross_attention_dim=80,
                          attention_head_dim=(2, 4, 4, 4), use_linear_projection=True, norm_num_groups=8,
                          sample_size=8)
        vae = VAEConfig(block_out_channels=(16, 32, 32, 32), norm_num_groups=8, sample_size=64)
    return ModelSpec("sd-turbo", full, text, unet, vae, SD_TURBO_SCHEDULER, pad_token="!",
                     tokenizer_name_or_path="laion/CLIP-ViT-H-14-laion2B-s32B-b79K",
                     extra_unet={"upcast_attention": False})


# ---------------------------------------------------------------------------------------
# config files

def text_encoder_json(spec: ModelSpec) -> dict:
    t = spec.text
    return {
        "_name_or_path": spec.tokenizer_name_or_path,
        "architectures": ["CLIPTextModel"],
        "attention_dropout": 0.0,
        "bos_token_id": 0,
        "dropout": 0.0,
        "eos_token_id": 2,
        "hidden_act": t.hidden_act,
        "hidden_size": t.hidden_size,
        "initializer_factor": 1.0,
        "initializer_range": 0.02,
        "intermediate_size": t.intermediate_size,
        "layer_norm_eps": t.layer_norm_eps,
        "max_position_embeddings": t.max_position_embeddings,
        "model_type": "clip_text_model",
        "num_attention_heads": t.num_attention_heads,
        "num_hidden_layers": t.num_hidden_layers,
        "pad_token_id": 1,
        "projection_dim": t.projection_dim,
        "torch_dtype": "float32",
        "transformers_version": "4.33.0",
        "vocab_size": t.vocab_size,
    }


def unet_json(spec: ModelSpec) -> dict:
    u = spec.unet
    head = u.attention_head_dim
    cfg = {
        "_class_name": "UNet2DConditionModel",
        "_diffusers_version": DIFFUSERS_VERSION,
        "act_fn": "silu",
        "attention_head_dim": list(head) if isinstance(head, tuple) else head,
        "block_out_channels": list(u.block_out_channels),
        "center_input_sample": False,
        "cross_attention_dim": u.cross_attention_dim,
        "down_block_types": list(u.down_block_types),
        "downsample_padding": 1,
        "dual_cross_attention": False,
        "flip_sin_to_cos": u.flip_sin_to_cos,
        "freq_shift": u.freq_shift,
        "in_channels": u.in_channels,
        "layers_per_block": u.layers_per_block,
        "mid_block_scale_factor": 1,
        "norm_eps": u.norm_eps,
        "norm_num_groups": u.norm_num_groups,
        "num_class_embeds": None,
        "only_cross_attention": False,
        "out_channels": u.out_channels,
        "resnet_time_scale_shift": "default",
        "sample_size": u.sample_size,
        "up_block_types": list(u.up_block_types),
        "use_linear_projection": u.use_linear_projection,
    }
    cfg.update(spec.extra_unet)
    return dict(sorted(cfg.items()))


def vae_json(spec: ModelSpec) -> dict:
    v = spec.vae
    n = len(v.block_out_channels)
    return {
        "_class_name": "AutoencoderKL",
        "_diffusers_version": DIFFUSERS_VERSION,
        "act_fn": "silu",
        "block_out_channels": list(v.block_out_channels),
        "down_block_types": ["DownEncoderBlock2D"] * n,
        "in_channels": v.in_channels,
        "latent_channels": v.latent_channels,
        "layers_per_block": v.layers_per_block,
        "norm_num_groups": v.norm_num_groups,
        "out_channels": v.out_channels,
        "sample_size": v.sample_size,
        "scaling_factor": v.scaling_factor,
        "up_block_types": ["UpDecoderBlock2D"] * n,
    }


def model_index_json(spec: ModelSpec, dtype: str, seed: int) -> dict:
    """diffusers' model_index.json, as optimum copies it next to the ONNX sub-models."""
    return {
        "_class_name": "StableDiffusionPipeline",
        "_diffusers_version": DIFFUSERS_VERSION,
        "feature_extractor": [None, None],
        "requires_safety_checker": False,
        "safety_checker": [None, None],
        "scheduler": ["diffusers", spec.scheduler["_class_name"]],
        "text_encoder": ["transformers", "CLIPTextModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"],
        # keys starting with "_" are ignored by diffusers
        "_reference_model": {
            "model": spec.name,
            "width": spec.width,
            "dtype": dtype,
            "seed": seed,
            "weights": "random (seeded), not trained",
            "built_by": "/usr/bin/python3 -m tools.reference.build",
        },
    }
