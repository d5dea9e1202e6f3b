#!/usr/bin/env python3
"""Build, train and export Embedding Studio's built-in tiny model (builtin:tiny).

    /usr/bin/python3 tools/build_tiny_model.py [--unet-minutes 40] [--vae-steps 1500]

Writes models/tiny/** (ONNX + configs + tokenizer + palette.json + quality.json) and
tests/fixtures/{randn,tiny_golden}.json. See tools/README.md.

Debian's torch uses the reference BLAS, which is ~20x slower than OpenBLAS here; if an
OpenBLAS is found (system package libopenblas0-pthread, or extracted into
tools/.cache/openblas), the script re-executes itself with it preloaded.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def _maybe_reexec_with_openblas() -> None:
    if os.environ.get("TINY_BLAS_SET"):
        return
    for d in (os.path.join(HERE, ".cache", "openblas"), "/usr/lib/x86_64-linux-gnu/openblas-pthread"):
        if os.path.exists(os.path.join(d, "libblas.so.3")):
            env = dict(os.environ, TINY_BLAS_SET="1", OPENBLAS_NUM_THREADS="1",
                       LD_LIBRARY_PATH=d + ":" + os.environ.get("LD_LIBRARY_PATH", ""))
            os.execve(sys.executable, [sys.executable] + sys.argv, env)


if __name__ == "__main__":
    _maybe_reexec_with_openblas()
    sys.path.insert(0, REPO)
    from tools.tiny.build import main

    main()
