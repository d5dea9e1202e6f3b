"""diffusers' AutoencoderKL (the SD 1.x / 2.x VAE), in plain torch.

Encoder: conv_in; DownEncoderBlock2D per width (resnets, then a (0,1,0,1)-padded
stride-2 conv except in the last); UNetMidBlock2D (resnet, single-head attention with
its own GroupNorm, resnet); GroupNorm-SiLU-conv_out to 2 x latent channels (mean,
logvar); quant_conv. Decoder: post_quant_conv; conv_in; mid block; UpDecoderBlock2D per
width, reversed (layers_per_block + 1 resnets, nearest 2x + conv except in the last);
GroupNorm-SiLU-conv_out. All norms eps 1e-6.
"""
from __future__ import annotations

from typing import Optional

import torch
from torch import nn

from .configs import VAEConfig
from .layers import Attention, Downsample2D, ResnetBlock2D, Upsample2D

EPS = 1e-6


class UNetMidBlock2D(nn.Module):
    def __init__(self, channels: int, groups: int):
        super().__init__()
        # attention_head_dim = channels: one head
        self.attentions = nn.ModuleList([
            Attention(channels, heads=1, dim_head=channels, bias=True, norm_num_groups=groups, eps=EPS,
                      residual_connection=True)])
        self.resnets = nn.ModuleList([ResnetBlock2D(channels, channels, None, groups, EPS) for _ in range(2)])

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        hidden_states = self.resnets[0](hidden_states)
        for attn, resnet in zip(self.attentions, self.resnets[1:]):
            hidden_states = attn(hidden_states)
            hidden_states = resnet(hidden_states)
        return hidden_states


class DownEncoderBlock2D(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, num_layers: int, groups: int, add_downsample: bool):
        super().__init__()
        self.resnets = nn.ModuleList([
            ResnetBlock2D(in_channels if i == 0 else out_channels, out_channels, None, groups, EPS)
            for i in range(num_layers)])
        self.downsamplers = nn.ModuleList([Downsample2D(out_channels, padding=0)]) if add_downsample else None

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        for resnet in self.resnets:
            hidden_states = resnet(hidden_states)
        if self.downsamplers is not None:
            for downsampler in self.downsamplers:
                hidden_states = downsampler(hidden_states)
        return hidden_states


class UpDecoderBlock2D(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, num_layers: int, groups: int, add_upsample: bool):
        super().__init__()
        self.resnets = nn.ModuleList([
            ResnetBlock2D(in_channels if i == 0 else out_channels, out_channels, None, groups, EPS)
            for i in range(num_layers)])
        self.upsamplers = nn.ModuleList([Upsample2D(out_channels)]) if add_upsample else None

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        for resnet in self.resnets:
            hidden_states = resnet(hidden_states)
        if self.upsamplers is not None:
            for upsampler in self.upsamplers:
                hidden_states = upsampler(hidden_states)
        return hidden_states


class Encoder(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        ch = cfg.block_out_channels
        self.conv_in = nn.Conv2d(cfg.in_channels, ch[0], 3, padding=1)
        self.down_blocks = nn.ModuleList()
        output_channel = ch[0]
        for i in range(len(ch)):
            input_channel, output_channel = output_channel, ch[i]
            self.down_blocks.append(DownEncoderBlock2D(input_channel, output_channel, cfg.layers_per_block,
                                                       cfg.norm_num_groups, add_downsample=i < len(ch) - 1))
        self.mid_block = UNetMidBlock2D(ch[-1], cfg.norm_num_groups)
        self.conv_norm_out = nn.GroupNorm(cfg.norm_num_groups, ch[-1], eps=EPS)
        self.conv_act = nn.SiLU()
        self.conv_out = nn.Conv2d(ch[-1], 2 * cfg.latent_channels, 3, padding=1)

    def forward(self, sample: torch.Tensor, trace: Optional[list] = None) -> torch.Tensor:
        note = (lambda name, x: trace.append((name, x))) if trace is not None else (lambda name, x: None)
        sample = self.conv_in(sample)
        for i, block in enumerate(self.down_blocks):
            sample = block(sample)
            note(f"encoder.down_blocks.{i}", sample)
        sample = self.mid_block(sample)
        note("encoder.mid_block", sample)
        return self.conv_out(self.conv_act(self.conv_norm_out(sample)))


class Decoder(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        ch = cfg.block_out_channels
        self.conv_in = nn.Conv2d(cfg.latent_channels, ch[-1], 3, padding=1)
        self.mid_block = UNetMidBlock2D(ch[-1], cfg.norm_num_groups)
        self.up_blocks = nn.ModuleList()
        rev = list(reversed(ch))
        output_channel = rev[0]
        for i in range(len(ch)):
            prev_output_channel, output_channel = output_channel, rev[i]
            self.up_blocks.append(UpDecoderBlock2D(prev_output_channel, output_channel, cfg.layers_per_block + 1,
                                                   cfg.norm_num_groups, add_upsample=i < len(ch) - 1))
        self.conv_norm_out = nn.GroupNorm(cfg.norm_num_groups, ch[0], eps=EPS)
        self.conv_act = nn.SiLU()
        self.conv_out = nn.Conv2d(ch[0], cfg.out_channels, 3, padding=1)

    def forward(self, z: torch.Tensor, trace: Optional[list] = None) -> torch.Tensor:
        note = (lambda name, x: trace.append((name, x))) if trace is not None else (lambda name, x: None)
        sample = self.conv_in(z)
        sample = self.mid_block(sample)
        note("decoder.mid_block", sample)
        for i, block in enumerate(self.up_blocks):
            sample = block(sample)
            note(f"decoder.up_blocks.{i}", sample)
        return self.conv_out(self.conv_act(self.conv_norm_out(sample)))


class AutoencoderKL(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        self.config = cfg
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)
        self.quant_conv = nn.Conv2d(2 * cfg.latent_channels, 2 * cfg.latent_channels, 1)
        self.post_quant_conv = nn.Conv2d(cfg.latent_channels, cfg.latent_channels, 1)

    def encode_moments(self, sample: torch.Tensor, trace: Optional[list] = None) -> torch.Tensor:
        """quant_conv(encoder(x)): the latent distribution's parameters [B, 2C, h, w] (mean, logvar)."""
        return self.quant_conv(self.encoder(sample, trace))

    def encode(self, sample: torch.Tensor, trace: Optional[list] = None) -> torch.Tensor:
        """The latent distribution's mean (DiagonalGaussianDistribution.mode())."""
        mean, _logvar = torch.chunk(self.quant_conv(self.encoder(sample, trace)), 2, dim=1)
        return mean

    def decode(self, z: torch.Tensor, trace: Optional[list] = None) -> torch.Tensor:
        return self.decoder(self.post_quant_conv(z), trace)
