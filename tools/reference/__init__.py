"""Random-weight reference Stable Diffusion models (SD 1.5, SD-Turbo) exported like optimum. See README.md."""
