"""Write tests/fixtures/schedulers.json: diffusers' scheduler arithmetic for SD 1.x.

diffusers itself is not installed here, so this re-implements the parts of
EulerDiscreteScheduler, LMSDiscreteScheduler and DDIMScheduler (diffusers 0.2x) that
the JS schedulers reproduce, with the same torch float32 / numpy operations:
betas via torch.linspace, torch.cumprod, np.linspace/np.arange/np.round spacings,
np.interp sigmas, float32 step arithmetic. LMS coefficients are integrated exactly with
numpy polynomials (diffusers uses scipy.integrate.quad, exact for these cubics).

Each case also runs a full denoising loop in float32 on a tiny 3-element sample with a
deterministic fake model, so the JS `step` is checked end to end (including LMS history).

Run: /usr/bin/python3 tools/make_scheduler_fixtures.py
"""

import json
from pathlib import Path

import numpy as np
import torch

CONFIG = {
    "num_train_timesteps": 1000,
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "prediction_type": "epsilon",
    "steps_offset": 1,
    "set_alpha_to_one": False,
}
N = CONFIG["num_train_timesteps"]


def alphas_cumprod():
    betas = torch.linspace(CONFIG["beta_start"] ** 0.5, CONFIG["beta_end"] ** 0.5, N, dtype=torch.float32) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


def timesteps_for(kind, spacing, steps):
    if spacing == "linspace":
        if kind == "ddim":
            return np.linspace(0, N - 1, steps).round()[::-1].copy().astype(np.int64)
        return np.linspace(0, N - 1, steps, dtype=np.float32)[::-1].copy()
    if spacing == "leading":
        ratio = N // steps
        ts = (np.arange(0, steps) * ratio).round()[::-1].copy()
        ts = ts.astype(np.int64 if kind == "ddim" else np.float32)
        return ts + CONFIG["steps_offset"]
    ratio = N / steps
    ts = np.round(np.arange(N, 0, -ratio)).astype(np.int64 if kind == "ddim" else np.float32)
    return ts - 1


def lms_coefficient(sigmas, order, t, current):
    poly = np.poly1d([1.0])
    for k in range(order):
        if k == current:
            continue
        poly *= np.poly1d([1.0, -sigmas[t - k]]) / (sigmas[t - current] - sigmas[t - k])
    integral = poly.integ()
    return float(integral(sigmas[t + 1]) - integral(sigmas[t]))


def fake_model(i, x):
    """A deterministic 'UNet' output that depends on the step and the input."""
    return torch.tensor([0.3 + 0.1 * i, -0.7, 1.1 - 0.05 * i], dtype=torch.float32) + 0.2 * x


def karras_case(kind, spacing, steps, ac):
    ts = timesteps_for(kind, spacing, steps)
    train_sigmas = np.array(((1 - ac) / ac) ** 0.5)
    sigmas = np.interp(ts, np.arange(0, len(train_sigmas)), train_sigmas)
    sigmas = torch.from_numpy(np.concatenate([sigmas, [0.0]]).astype(np.float32))
    init = sigmas.max() if spacing in ("linspace", "trailing") else (sigmas.max() ** 2 + 1) ** 0.5
    x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float32) * init
    derivatives, coeffs = [], []
    for i in range(steps):
        sigma = sigmas[i]
        out = fake_model(i, x / ((sigma**2 + 1) ** 0.5))
        derivative = (x - (x - sigma * out)) / sigma
        if kind == "euler":
            coeffs.append([float(sigmas[i + 1] - sigma)])
            x = x + derivative * (sigmas[i + 1] - sigma)
        else:
            derivatives.append(derivative)
            if len(derivatives) > 4:
                derivatives.pop(0)
            order = min(i + 1, 4)
            c = [lms_coefficient(sigmas.numpy().astype(np.float64), order, i, j) for j in range(order)]
            coeffs.append(c)
            x = x + sum(cj * d for cj, d in zip(c, reversed(derivatives)))
    return {
        "timesteps": [float(t) for t in ts],
        "sigmas": [float(s) for s in sigmas],
        "init_noise_sigma": float(init),
        "coefficients": coeffs,
        "final_sample": [float(v) for v in x],
    }


def ddim_case(spacing, steps, ac):
    ts = timesteps_for("ddim", spacing, steps)
    final_alpha = torch.tensor(1.0) if CONFIG["set_alpha_to_one"] else ac[0]
    x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float32)
    alphas = []
    for i, t in enumerate(ts):
        prev_t = int(t) - N // steps
        a_t = ac[int(t)]
        a_prev = ac[prev_t] if prev_t >= 0 else final_alpha
        alphas.append([float(a_t), float(a_prev)])
        eps = fake_model(i, x)
        x0 = (x - (1 - a_t) ** 0.5 * eps) / a_t**0.5
        x = a_prev**0.5 * x0 + (1 - a_prev) ** 0.5 * eps
    return {
        "timesteps": [int(t) for t in ts],
        "alphas": alphas,
        "init_noise_sigma": 1.0,
        "final_sample": [float(v) for v in x],
    }


def main():
    ac = alphas_cumprod()
    cases = []
    for kind in ("euler", "lms", "ddim"):
        for spacing in ("leading", "trailing", "linspace"):
            for steps in (1, 4, 20, 50):
                if spacing == "linspace" and steps == 1 and kind != "ddim":
                    continue  # a single linspace step lands on t = 0 and divides by sigma_min; not useful
                body = ddim_case(spacing, steps, ac) if kind == "ddim" else karras_case(kind, spacing, steps, ac)
                cases.append({"kind": kind, "timestep_spacing": spacing, "steps": steps, **body})
    out = {
        "description": "diffusers Euler/LMS/DDIM arithmetic for the SD 1.x noise schedule; see tools/make_scheduler_fixtures.py",
        "torch_version": torch.__version__,
        "config": CONFIG,
        "alphas_cumprod_sample": {str(t): float(ac[t]) for t in (0, 1, 250, 500, 999)},
        "cases": cases,
    }
    path = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "schedulers.json"
    path.write_text(json.dumps(out) + "\n")
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
