"""ONNX export of the four sub-models as optimum exports Stable Diffusion.

Names, dtypes and dynamic axes follow optimum's ONNX configs (CLIPTextOnnxConfig,
UNetOnnxConfig, VaeEncoderOnnxConfig, VaeDecoderOnnxConfig):

  text_encoder  input_ids int32 [batch_size, sequence_length]
                -> last_hidden_state [batch_size, sequence_length, hidden], pooler_output [batch_size, hidden]
  unet          sample [batch_size, num_channels, height, width], timestep int64 [steps],
                encoder_hidden_states [batch_size, sequence_length, hidden]
                -> out_sample [batch_size, num_channels, height, width]
  vae_encoder   sample [batch_size, num_channels, height, width] -> latent_sample [batch_size, 4, height_latent, width_latent]
                (quant_conv, then the latent distribution's mean)
  vae_decoder   latent_sample [batch_size, num_channels_latent, height_latent, width_latent]
                -> sample [batch_size, 3, height, width] (post_quant_conv included)

torch.onnx.export, opset 14, constant folding; weights as external data in one
`model.onnx_data` next to each `model.onnx`.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import warnings

import onnx
import torch

from .vae import AutoencoderKL

OPSET = 14
EXTERNAL_DATA = "model.onnx_data"
# torch 1.13 export notices that are expected here: pooling gathers at argmax(ids) >= 0;
# the others are about shape inference and folding of shape-only subgraphs.
BENIGN_WARNINGS = (
    r"Exporting aten::index operator of advanced indexing",
    r"The shape inference of prim::Constant type is missing",
    r"Constant folding - Only steps=1 can be constant folded",
)


class VaeEncoderGraph(torch.nn.Module):
    """AutoencoderKL.encode as forward, over the same submodules (so the initializers are
    named `encoder.*`, `quant_conv.*`, as in optimum's export of the AutoencoderKL)."""

    def __init__(self, vae: AutoencoderKL):
        super().__init__()
        self.encoder = vae.encoder
        self.quant_conv = vae.quant_conv

    def forward(self, sample):
        return AutoencoderKL.encode(self, sample)


class VaeDecoderGraph(torch.nn.Module):
    """AutoencoderKL.decode as forward: `post_quant_conv.*`, `decoder.*`."""

    def __init__(self, vae: AutoencoderKL):
        super().__init__()
        self.decoder = vae.decoder
        self.post_quant_conv = vae.post_quant_conv

    def forward(self, latent_sample):
        return AutoencoderKL.decode(self, latent_sample)


def example_args(spec, component: str, batch: int = 2, latent: int = 8):
    """Tracing inputs (the graphs keep every marked axis dynamic)."""
    if component == "text_encoder":
        ids = torch.full((batch, spec.text.max_position_embeddings), spec.text.vocab_size - 1, dtype=torch.int32)
        ids[:, 0] = spec.text.vocab_size - 2
        ids[:, 1:4] = torch.tensor([5, 6, 7], dtype=torch.int32)
        return (ids,)
    if component == "unet":
        return (torch.randn(batch, spec.unet.in_channels, latent, latent), torch.tensor([999], dtype=torch.int64),
                torch.randn(batch, spec.text.max_position_embeddings, spec.unet.cross_attention_dim))
    scale = 2 ** (len(spec.vae.block_out_channels) - 1)
    if component == "vae_encoder":
        return (torch.rand(batch, spec.vae.in_channels, latent * scale, latent * scale) * 2 - 1,)
    if component == "vae_decoder":
        return (torch.randn(batch, spec.vae.latent_channels, latent, latent),)
    raise ValueError(component)


SIGNATURES = {
    "text_encoder": (
        ["input_ids"], ["last_hidden_state", "pooler_output"],
        {"input_ids": {0: "batch_size", 1: "sequence_length"},
         "last_hidden_state": {0: "batch_size", 1: "sequence_length"},
         "pooler_output": {0: "batch_size"}}),
    "unet": (
        ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
        {"sample": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"},
         "timestep": {0: "steps"},
         "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"},
         "out_sample": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"}}),
    "vae_encoder": (
        ["sample"], ["latent_sample"],
        {"sample": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"},
         "latent_sample": {0: "batch_size", 2: "height_latent", 3: "width_latent"}}),
    "vae_decoder": (
        ["latent_sample"], ["sample"],
        {"latent_sample": {0: "batch_size", 1: "num_channels_latent", 2: "height_latent", 3: "width_latent"},
         "sample": {0: "batch_size", 2: "height", 3: "width"}}),
}


def graph_module(pipe, component: str) -> torch.nn.Module:
    """The module whose forward is the sub-model's graph; the text encoder and the UNet are
    exported as they are (initializers `text_model.*`, `conv_in.*`, ... as optimum names them)."""
    return {
        "text_encoder": lambda: pipe.text_encoder,
        "unet": lambda: pipe.unet,
        "vae_encoder": lambda: VaeEncoderGraph(pipe.vae),
        "vae_decoder": lambda: VaeDecoderGraph(pipe.vae),
    }[component]().eval()


def save_with_external_data(model: onnx.ModelProto, path: str) -> None:
    """model.onnx plus all tensors over 1 KiB in one model.onnx_data beside it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = os.path.join(os.path.dirname(path), EXTERNAL_DATA)
    if os.path.exists(data):
        os.remove(data)  # onnx appends to an existing file
    onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location=EXTERNAL_DATA)


def _fix_static_output_dims(model: onnx.ModelProto, module, args, axes: dict) -> None:
    """torch names some static output dims it could not infer (e.g. the encoder's latent
    channels after chunk: "Slicelatent_sample_dim_1"); write their values instead."""
    outputs = model.graph.output
    stray = [(i, d) for i, o in enumerate(outputs) for d, dim in enumerate(o.type.tensor_type.shape.dim)
             if dim.dim_param and d not in axes.get(o.name, {})]
    if not stray:
        return
    with torch.no_grad():
        result = module(*args)
    result = result if isinstance(result, (tuple, list)) else (result,)
    for i, d in stray:
        dim = outputs[i].type.tensor_type.shape.dim[d]
        dim.Clear()
        dim.dim_value = int(result[i].shape[d])


def export_component(pipe, component: str, path: str, latent: int = 8) -> onnx.ModelProto:
    """Export one sub-model to `path` (+ model.onnx_data); returns the graph without weights."""
    inputs, outputs, axes = SIGNATURES[component]
    module = graph_module(pipe, component)
    args = example_args(pipe.spec, component, latent=latent)
    tmp = tempfile.mkdtemp(prefix=f"reference-{component}-")
    try:
        raw = os.path.join(tmp, "model.onnx")
        with torch.no_grad(), warnings.catch_warnings():
            for pattern in BENIGN_WARNINGS:
                warnings.filterwarnings("ignore", message=pattern)
            # over 2 GB torch writes one external file per tensor into tmp
            torch.onnx.export(module, args, raw, opset_version=OPSET, do_constant_folding=True,
                              input_names=inputs, output_names=outputs, dynamic_axes=axes)
        model = onnx.load(raw)
        _fix_static_output_dims(model, module, args, axes)
        save_with_external_data(model, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    onnx.checker.check_model(path)
    graph = onnx.load(path, load_external_data=False)
    foreign = {n.op_type for n in graph.graph.node if n.domain not in ("", "ai.onnx")}
    if foreign:
        raise AssertionError(f"{path}: non-standard ops {sorted(foreign)}")
    return graph
