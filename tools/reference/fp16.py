"""float32 -> float16 conversion of an exported ONNX graph (as optimum's fp16 export looks).

Exporting `model.half()` fails on CPU with torch 1.13, so the fp16 models are made from
the fp32 graphs: every float32 tensor becomes float16, initializers, Constant and
ConstantOfShape values (clipped to +-65504, so finfo(float32).min masks stay finite),
Cast(to=FLOAT), graph inputs and outputs; integer tensors are left alone. Two kinds of
tensors stay float32, with Casts inserted at their borders:

- nodes `keep_fp32` selects (by default the UNet's `time_proj` scope: diffusers
  computes the sinusoidal timestep embedding in float32 and casts it to the sample's
  dtype, and sin/cos of t ~ 1000 would be far off in float16);
- inputs ONNX requires to be float32 whatever the data type: Resize's roi and scales.

The result is type-checked with ONNX's strict shape inference.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .export import save_with_external_data

FLOAT, FLOAT16 = TensorProto.FLOAT, TensorProto.FLOAT16
FP16_MAX = float(np.finfo(np.float16).max)
# (op_type, input index) that must stay float32
FLOAT32_INPUTS = {("Resize", 1), ("Resize", 2)}
# ops that take an input of any type
ANY_TYPE_OPS = {"Cast", "Shape", "Size"}
# ops with a dtype attribute we do not rewrite; fail loudly rather than mistype them
UNHANDLED = {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "EyeLike", "Multinomial",
             "Bernoulli"}


def default_keep_fp32(node: onnx.NodeProto) -> bool:
    return "/time_proj/" in node.name


def _to_fp16(array: np.ndarray) -> np.ndarray:
    return np.clip(array, -FP16_MAX, FP16_MAX).astype(np.float16)


def _tensor_fp16(t: onnx.TensorProto) -> onnx.TensorProto:
    return numpy_helper.from_array(_to_fp16(numpy_helper.to_array(t)), t.name)


def _elem_types(model: onnx.ModelProto) -> dict[str, int]:
    """elem_type of every tensor, from ONNX shape inference on a weightless copy."""
    bare = onnx.ModelProto()
    bare.CopyFrom(model)
    for init in bare.graph.initializer:  # types and dims are enough
        init.ClearField("raw_data")
        init.ClearField("float_data")
        init.ClearField("external_data")
        init.data_location = TensorProto.DEFAULT
    inferred = onnx.shape_inference.infer_shapes(bare, check_type=True, strict_mode=True)
    types: dict[str, int] = {}
    g = inferred.graph
    for vi in list(g.input) + list(g.output) + list(g.value_info):
        types[vi.name] = vi.type.tensor_type.elem_type
    for init in g.initializer:
        types[init.name] = init.data_type
    for node in g.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value":
                    types[node.output[0]] = a.t.data_type
    return types


def convert_to_fp16(model: onnx.ModelProto, keep_fp32: Optional[Callable[[onnx.NodeProto], bool]] = None
                    ) -> onnx.ModelProto:
    """Returns a new float16 model; `model` must have its weights loaded."""
    keep_fp32 = keep_fp32 or default_keep_fp32
    types = _elem_types(model)
    src = model.graph
    for node in src.node:
        if node.op_type in UNHANDLED:
            raise NotImplementedError(f"fp16: op {node.op_type} ({node.name}) is not handled")

    # nodes are identified by their index (protobuf wrappers have no stable identity)
    src_nodes = list(src.node)
    inits = {t.name: t for t in src.initializer}
    kept = {k for k, n in enumerate(src_nodes) if keep_fp32(n)}
    consumers: dict[str, list[tuple[int, int]]] = {}
    for k, node in enumerate(src_nodes):
        for i, name in enumerate(node.input):
            consumers.setdefault(name, []).append((k, i))

    def wants_fp32(k: int, i: int) -> bool:
        return k in kept or (src_nodes[k].op_type, i) in FLOAT32_INPUTS

    # Constants left float32: those in kept nodes, and those only float32 slots read
    fp32_constants = {
        n.output[0] for k, n in enumerate(src_nodes)
        if n.op_type == "Constant" and (k in kept or all(wants_fp32(c, i) for c, i in consumers.get(n.output[0], [])))
    }
    produced_fp32 = {o for k, n in enumerate(src_nodes) if k in kept for o in n.output}

    def is_fp32_after(name: str) -> bool:
        """A float tensor's type after conversion (initializers: float16, with float32 copies on demand)."""
        return name not in inits and (name in fp32_constants or name in produced_fp32)

    new_inits = [_tensor_fp16(t) if t.data_type == FLOAT else t for t in src.initializer]
    fp32_copies: dict[str, str] = {}
    casts: dict[tuple[str, int], str] = {}
    nodes: list[onnx.NodeProto] = []

    def initializer_fp32(name: str) -> str:
        if name not in fp32_copies:
            copy = onnx.TensorProto()
            copy.CopyFrom(inits[name])
            copy.name = name + "_fp32"
            new_inits.append(copy)
            fp32_copies[name] = copy.name
        return fp32_copies[name]

    def cast(name: str, to: int) -> str:
        if (name, to) not in casts:
            out = f"{name}_to_{'fp32' if to == FLOAT else 'fp16'}"
            nodes.append(helper.make_node("Cast", [name], [out], name=out + "/Cast", to=to))
            casts[(name, to)] = out
        return casts[(name, to)]

    for k, node in enumerate(src_nodes):
        new = onnx.NodeProto()
        new.CopyFrom(node)
        if k not in kept:
            for a in new.attribute:
                if node.op_type == "Cast" and a.name == "to" and a.i == FLOAT:
                    a.i = FLOAT16
                elif node.op_type in ("Constant", "ConstantOfShape") and a.name == "value" and a.t.data_type == FLOAT:
                    if node.op_type == "ConstantOfShape" or node.output[0] not in fp32_constants:
                        a.t.CopyFrom(_tensor_fp16(a.t))
        for i, name in enumerate(node.input):
            if not name or types.get(name) != FLOAT or node.op_type in ANY_TYPE_OPS:
                continue
            want, have = wants_fp32(k, i), is_fp32_after(name)
            if want == have:
                continue
            if want and name in inits:
                new.input[i] = initializer_fp32(name)
            else:
                new.input[i] = cast(name, FLOAT if want else FLOAT16)
        nodes.append(new)

    def io(vis, role: str):
        out = []
        for vi in vis:
            v = onnx.ValueInfoProto()
            v.CopyFrom(vi)
            if v.type.tensor_type.elem_type == FLOAT:
                if role == "output" and is_fp32_after(vi.name):
                    raise NotImplementedError(f"fp16: graph output {vi.name} comes from a float32 region")
                v.type.tensor_type.elem_type = FLOAT16
            out.append(v)
        return out

    graph = helper.make_graph(nodes, src.name, io(src.input, "input"), io(src.output, "output"), new_inits)
    out = helper.make_model(graph, opset_imports=list(model.opset_import), producer_name=model.producer_name,
                            producer_version=model.producer_version)
    out.ir_version = model.ir_version
    _elem_types(out)  # strict, type-checking shape inference: raises on any mismatch
    return out


def convert_file(src: str, dst: str, keep_fp32: Optional[Callable[[onnx.NodeProto], bool]] = None) -> None:
    """Convert src/model.onnx (+ its external data) into dst/model.onnx + model.onnx_data."""
    model = onnx.load(src)  # loads the external data
    save_with_external_data(convert_to_fp16(model, keep_fp32), dst)
    onnx.checker.check_model(dst)
    if not os.path.exists(os.path.join(os.path.dirname(dst), "model.onnx_data")):
        raise AssertionError(f"{dst}: no external data written")
