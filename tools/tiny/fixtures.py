"""Golden test fixtures for the TypeScript side.

Two files are written into tests/fixtures/:

* randn.json       -- values of torch.randn(shape, generator=manual_seed(seed)) on CPU,
                      so the JS RNG can be checked bit-for-bit against PyTorch.
* tiny_golden.json -- forward outputs and autograd VJPs of the exported tiny model
                      (text encoder, UNet, VAE decoder), for the JS autodiff tests.

Run as a script:  /usr/bin/python3 -m tools.tiny.fixtures [randn|golden|all]
(from the repository root).
"""
from __future__ import annotations

import json
import os
import sys

import torch

from .checkpoint import REPO
FIXTURES = os.path.join(REPO, "tests", "fixtures")

RANDN_SEEDS = [0, 1, 42, 1332, 510675]
RANDN_SHAPES = [[1], [7], [15], [16], [17], [100], [4, 8, 8], [2, 4, 8, 8]]


def randn(shape, seed: int, dtype=torch.float32) -> torch.Tensor:
    """The project's reference noise: CPU torch.randn with a fresh seeded generator."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(list(shape), generator=g, dtype=torch.float32).to(dtype)


def tensor_entry(t: torch.Tensor, digits: int | None = None) -> dict:
    """A tensor as {"dims": [...], "data": [flat row-major numbers]}.

    float32 values are written with repr of the float32 value widened to double
    (exact); `digits` rounds to that many significant digits to keep files small.
    """
    t = t.detach().cpu().contiguous()
    if t.dtype.is_floating_point:
        vals = t.double().flatten().tolist()
        if digits is not None:
            vals = [float(f"{v:.{digits}g}") for v in vals]
    else:
        vals = [int(v) for v in t.flatten().tolist()]
    return {"dims": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": vals}


def write_randn(path: str | None = None) -> str:
    path = path or os.path.join(FIXTURES, "randn.json")
    cases = []
    for seed in RANDN_SEEDS:
        for shape in RANDN_SHAPES:
            e = tensor_entry(randn(shape, seed))  # exact float32 values
            cases.append({"seed": seed, "shape": shape, "data": e["data"]})
    doc = {
        "description": "torch.randn(shape, generator=torch.Generator().manual_seed(seed)) "
                       "float32 on CPU; data is flat row-major, values are the exact float32 "
                       "numbers printed as doubles",
        "torch_version": torch.__version__,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


GOLDEN_PROMPT = "a red circle on a blue background"


def _vjp(fn, inputs: list[torch.Tensor], cotangent_seed: int):
    """Forward + VJP of sum(out * cotangent) w.r.t. each input (float64 autograd)."""
    xs = [x.detach().double().requires_grad_(True) for x in inputs]
    out = fn(*xs)
    cot = randn(out.shape, cotangent_seed, torch.float64)
    grads = torch.autograd.grad((out * cot).sum(), xs)
    return out.detach(), cot, grads


TOKENIZER_CASES = [
    "a red circle on a blue background",
    "",
    "A  Purple TRIANGLE on a white background!",
    "a photo of an astronaut_riding a horse, 2024",
    "café déjà vu",
    "a yellow square on a black background. a green circle",
]


def write_golden(tok, te, unet, dec, enc=None, path: str | None = None, digits: int = 8) -> str:
    """Forward outputs and VJPs of the tiny model, computed on float64 copies.

    Inputs are float32 values (the same the JS side feeds); forwards are also given in
    float32 (what onnxruntime should match closely).
    """
    import copy

    path = path or os.path.join(FIXTURES, "tiny_golden.json")
    te64, unet64, dec64 = (copy.deepcopy(m).double().eval() for m in (te, unet, dec))
    ids = torch.tensor([tok.encode(GOLDEN_PROMPT)], dtype=torch.int32)
    with torch.no_grad():
        hid32 = te(ids)
        hid64 = te64(ids)
    sample = randn([1, 4, 8, 8], 0)
    timestep = torch.tensor([500], dtype=torch.int64)
    ehs = hid32  # float32 encoder_hidden_states, used as exact input
    with torch.no_grad():
        unet32 = unet(sample, timestep, ehs)
    u_out, u_cot, (g_sample, g_ehs) = _vjp(lambda s, e: unet64(s, timestep, e), [sample, ehs], 1)
    lat = randn([1, 4, 8, 8], 2)
    with torch.no_grad():
        dec32 = dec(lat)
    d_out, d_cot, (g_lat,) = _vjp(lambda z: dec64(z), [lat], 3)
    E = lambda t, exact=False: tensor_entry(t, None if exact else digits)
    extra = {}
    if enc is not None:
        img = randn([1, 3, 64, 64], 4).clamp(-1, 1)
        with torch.no_grad():
            extra["vae_encoder"] = {"sample": E(img, True), "sample_note": "clamp(randn([1,3,64,64], seed 4), -1, 1)",
                                    "latent_sample_f32": E(enc(img)[0])}
    doc = {
        "description": "Golden values of models/tiny computed with PyTorch. *_f64 tensors come from a float64 "
                       "copy of the model (inputs are the float32 values given); *_f32 from the float32 model. "
                       "grad_* are VJPs: d/d(input) of sum(output * cotangent).",
        "digits": digits,
        "prompt": GOLDEN_PROMPT,
        "text_encoder": {
            "input_ids": E(ids, True),
            "last_hidden_state_f32": E(hid32, True),
            "last_hidden_state_f64": E(hid64),
        },
        "unet": {
            "sample": E(sample, True),
            "sample_note": "randn([1,4,8,8], seed 0)",
            "timestep": E(timestep, True),
            "encoder_hidden_states": E(ehs, True),
            "encoder_hidden_states_note": "= text_encoder.last_hidden_state_f32",
            "out_sample_f32": E(unet32),
            "out_sample_f64": E(u_out),
            "cotangent": E(u_cot.float(), True),
            "cotangent_note": "randn([1,4,8,8], seed 1)",
            "grad_sample": E(g_sample),
            "grad_encoder_hidden_states": E(g_ehs),
        },
        "vae_decoder": {
            "latent_sample": E(lat, True),
            "latent_sample_note": "randn([1,4,8,8], seed 2)",
            "sample_f32": E(dec32),
            "sample_f64": E(d_out),
            "cotangent": E(d_cot.float(), True),
            "cotangent_note": "randn([1,3,64,64], seed 3)",
            "grad_latent_sample": E(g_lat),
        },
        **extra,
        "tokenizer_cases": [{"text": t, "input_ids": tok.encode(t), "tokens": tok.tokenize(t)}
                            for t in TOKENIZER_CASES],
    }
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def main(argv: list[str]) -> None:
    what = argv[1] if len(argv) > 1 else "all"
    if what in ("randn", "all"):
        print("wrote", write_randn())
    if what in ("golden", "all"):
        from .checkpoint import load_checkpoint  # needs a trained model

        tok, te, unet, enc, dec, _scaling = load_checkpoint()
        print("wrote", write_golden(tok, te, unet, dec, enc))


if __name__ == "__main__":
    main(sys.argv)
