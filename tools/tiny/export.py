"""Export the tiny model in the diffusers/optimum ONNX folder layout.

models/tiny/
  model_index.json
  text_encoder/model.onnx   input_ids int32 [B,77] -> last_hidden_state f32 [B,77,128]
  unet/model.onnx           sample f32 [B,4,8,8], timestep int64 [1], encoder_hidden_states
                            f32 [B,77,128] -> out_sample f32 [B,4,8,8]
  vae_decoder/model.onnx    latent_sample f32 [B,4,8,8] -> sample f32 [B,3,64,64]
  vae_encoder/model.onnx    sample f32 [B,3,64,64] -> latent_sample f32 [B,4,8,8] (mean)
  scheduler/scheduler_config.json, tokenizer/*, palette.json
Opset 17, constant folding, dynamic batch axis, plain ops only.
"""
from __future__ import annotations

import json
import os

import onnx
import torch

from . import data, scheduler
from .models import MAX_LEN

OPSET = 17


class _TE(torch.nn.Module):
    def __init__(self, te):
        super().__init__()
        self.te = te

    def forward(self, input_ids):
        return self.te(input_ids)


class _UNet(torch.nn.Module):
    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(sample, timestep, encoder_hidden_states)


class _Dec(torch.nn.Module):
    def __init__(self, dec):
        super().__init__()
        self.dec = dec

    def forward(self, latent_sample):
        return self.dec(latent_sample)


class _Enc(torch.nn.Module):
    def __init__(self, enc):
        super().__init__()
        self.enc = enc

    def forward(self, sample):
        return self.enc.mean(sample)


def _export(module, args, path, inputs, outputs, dyn):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, path, opset_version=OPSET, do_constant_folding=True,
                          input_names=inputs, output_names=outputs, dynamic_axes=dyn)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    bad = {n.op_type for n in m.graph.node if n.domain not in ("", "ai.onnx")}
    assert not bad, f"non-standard ops in {path}: {bad}"
    return sorted({n.op_type for n in m.graph.node})


def write_configs(out: str, scaling: float, extra: dict | None = None) -> None:
    def dump(rel, obj):
        p = os.path.join(out, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            json.dump(obj, f, indent=2)

    dump("scheduler/scheduler_config.json", scheduler.CONFIG)
    vae_cfg = {"_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3, "latent_channels": 4,
               "sample_size": data.IMAGE_SIZE, "scaling_factor": scaling}
    dump("vae_decoder/config.json", vae_cfg)
    dump("vae_encoder/config.json", vae_cfg)
    dump("text_encoder/config.json", {"_class_name": "TinyClipTextModel", "hidden_size": 128,
                                      "max_position_embeddings": MAX_LEN, "hidden_act": "quick_gelu"})
    dump("unet/config.json", {"_class_name": "TinyUNet", "in_channels": 4, "out_channels": 4, "sample_size": 8,
                              "cross_attention_dim": 128})
    dump("palette.json", {k: list(v) for k, v in data.PALETTE.items()})
    index = {
        "_class_name": "OnnxStableDiffusionPipeline",
        "_diffusers_version": "0.21.0",
        "feature_extractor": [None, None],
        "safety_checker": [None, None],
        "requires_safety_checker": False,
        "scheduler": ["diffusers", "EulerDiscreteScheduler"],
        "text_encoder": ["diffusers", "OnnxRuntimeModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "OnnxRuntimeModel"],
        "vae_decoder": ["diffusers", "OnnxRuntimeModel"],
        "vae_encoder": ["diffusers", "OnnxRuntimeModel"],
        "embedding_studio": {
            "name": "builtin:tiny",
            "image_size": data.IMAGE_SIZE,
            "latent_shape": [4, 8, 8],
            "latent_channels": 4,
            "vae_scale_factor": 8,
            "scaling_factor": scaling,
            "hidden_size": 128,
            "max_length": MAX_LEN,
            "default_steps": 20,
            "default_guidance": 7.5,
            "palette": "palette.json",
            "quality": "quality.json",
            "built_by": "tools/build_tiny_model.py",
            **(extra or {}),
        },
    }
    dump("model_index.json", index)


def export_all(out: str, te, unet, enc, dec, scaling: float, extra: dict | None = None) -> dict:
    """Export all four graphs (float32) and the config files; returns ops used per model."""
    ops = {}
    ids = torch.zeros(2, MAX_LEN, dtype=torch.int32)
    ops["text_encoder"] = _export(_TE(te), (ids,), os.path.join(out, "text_encoder/model.onnx"),
                                  ["input_ids"], ["last_hidden_state"],
                                  {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}})
    ops["unet"] = _export(_UNet(unet), (torch.randn(2, 4, 8, 8), torch.tensor([500], dtype=torch.int64),
                                        torch.randn(2, MAX_LEN, 128)),
                          os.path.join(out, "unet/model.onnx"),
                          ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
                          {"sample": {0: "batch"}, "encoder_hidden_states": {0: "batch"}, "out_sample": {0: "batch"}})
    ops["vae_decoder"] = _export(_Dec(dec), (torch.randn(2, 4, 8, 8),), os.path.join(out, "vae_decoder/model.onnx"),
                                 ["latent_sample"], ["sample"], {"latent_sample": {0: "batch"}, "sample": {0: "batch"}})
    ops["vae_encoder"] = _export(_Enc(enc), (torch.randn(2, 3, 64, 64),), os.path.join(out, "vae_encoder/model.onnx"),
                                 ["sample"], ["latent_sample"], {"sample": {0: "batch"}, "latent_sample": {0: "batch"}})
    write_configs(out, scaling, extra)
    return ops
