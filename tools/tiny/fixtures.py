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

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
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


def main(argv: list[str]) -> None:
    what = argv[1] if len(argv) > 1 else "all"
    if what in ("randn", "all"):
        print("wrote", write_randn())
    if what in ("golden", "all"):
        from .golden import write_golden  # needs a trained model

        print("wrote", write_golden())


if __name__ == "__main__":
    main(sys.argv)
