"""diffusers' UNet2DConditionModel for SD 1.x / 2.x, in plain torch.

Blocks: conv_in; Timesteps (sinusoidal, flip_sin_to_cos, freq_shift) -> TimestepEmbedding
(linear-silu-linear); CrossAttnDownBlock2D x3 + DownBlock2D; UNetMidBlock2DCrossAttn;
UpBlock2D + CrossAttnUpBlock2D x3; GroupNorm-SiLU-conv_out. Transformer2DModel with
GroupNorm(eps 1e-6), 1x1-conv or linear proj_in/proj_out, one BasicTransformerBlock
(self-attention, cross-attention, GEGLU feed-forward, pre-LayerNorms).
"""
from __future__ import annotations

import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from .configs import UNetConfig
from .layers import Attention, Downsample2D, ResnetBlock2D, Upsample2D


def get_timestep_embedding(timesteps: torch.Tensor, embedding_dim: int, flip_sin_to_cos: bool,
                           downscale_freq_shift: float, max_period: int = 10000) -> torch.Tensor:
    """diffusers.models.embeddings.get_timestep_embedding (always computed in float32)."""
    half_dim = embedding_dim // 2
    exponent = -math.log(max_period) * torch.arange(start=0, end=half_dim, dtype=torch.float32)
    exponent = exponent / (half_dim - downscale_freq_shift)
    emb = torch.exp(exponent)
    emb = timesteps[:, None].float() * emb[None, :]
    emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=-1)
    if flip_sin_to_cos:
        emb = torch.cat([emb[:, half_dim:], emb[:, :half_dim]], dim=-1)
    return emb


class Timesteps(nn.Module):
    def __init__(self, num_channels: int, flip_sin_to_cos: bool, downscale_freq_shift: float):
        super().__init__()
        self.num_channels = num_channels
        self.flip_sin_to_cos = flip_sin_to_cos
        self.downscale_freq_shift = downscale_freq_shift

    def forward(self, timesteps: torch.Tensor) -> torch.Tensor:
        return get_timestep_embedding(timesteps, self.num_channels, self.flip_sin_to_cos, self.downscale_freq_shift)


class TimestepEmbedding(nn.Module):
    def __init__(self, in_channels: int, time_embed_dim: int):
        super().__init__()
        self.linear_1 = nn.Linear(in_channels, time_embed_dim)
        self.act = nn.SiLU()
        self.linear_2 = nn.Linear(time_embed_dim, time_embed_dim)

    def forward(self, sample: torch.Tensor) -> torch.Tensor:
        return self.linear_2(self.act(self.linear_1(sample)))


class GEGLU(nn.Module):
    def __init__(self, dim_in: int, dim_out: int):
        super().__init__()
        self.proj = nn.Linear(dim_in, dim_out * 2)

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        hidden_states, gate = self.proj(hidden_states).chunk(2, dim=-1)
        return hidden_states * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim: int, mult: int = 4):
        super().__init__()
        inner_dim = dim * mult
        self.net = nn.ModuleList([GEGLU(dim, inner_dim), nn.Dropout(0.0), nn.Linear(inner_dim, dim)])

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        for module in self.net:
            hidden_states = module(hidden_states)
        return hidden_states


class BasicTransformerBlock(nn.Module):
    def __init__(self, dim: int, heads: int, dim_head: int, cross_attention_dim: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-5)
        self.attn1 = Attention(dim, heads, dim_head)
        self.norm2 = nn.LayerNorm(dim, eps=1e-5)
        self.attn2 = Attention(dim, heads, dim_head, cross_attention_dim=cross_attention_dim)
        self.norm3 = nn.LayerNorm(dim, eps=1e-5)
        self.ff = FeedForward(dim)

    def forward(self, hidden_states: torch.Tensor, encoder_hidden_states: torch.Tensor) -> torch.Tensor:
        hidden_states = self.attn1(self.norm1(hidden_states)) + hidden_states
        hidden_states = self.attn2(self.norm2(hidden_states), encoder_hidden_states) + hidden_states
        hidden_states = self.ff(self.norm3(hidden_states)) + hidden_states
        return hidden_states


class Transformer2DModel(nn.Module):
    def __init__(self, heads: int, dim_head: int, in_channels: int, cross_attention_dim: int, groups: int,
                 use_linear_projection: bool):
        super().__init__()
        inner_dim = heads * dim_head
        self.use_linear_projection = use_linear_projection
        self.norm = nn.GroupNorm(groups, in_channels, eps=1e-6, affine=True)
        if use_linear_projection:
            self.proj_in = nn.Linear(in_channels, inner_dim)
        else:
            self.proj_in = nn.Conv2d(in_channels, inner_dim, 1)
        self.transformer_blocks = nn.ModuleList([BasicTransformerBlock(inner_dim, heads, dim_head, cross_attention_dim)])
        if use_linear_projection:
            self.proj_out = nn.Linear(inner_dim, in_channels)
        else:
            self.proj_out = nn.Conv2d(inner_dim, in_channels, 1)

    def forward(self, hidden_states: torch.Tensor, encoder_hidden_states: torch.Tensor) -> torch.Tensor:
        batch, _, height, width = hidden_states.shape
        residual = hidden_states
        hidden_states = self.norm(hidden_states)
        if not self.use_linear_projection:
            hidden_states = self.proj_in(hidden_states)
            inner_dim = hidden_states.shape[1]
            hidden_states = hidden_states.permute(0, 2, 3, 1).reshape(batch, height * width, inner_dim)
        else:
            inner_dim = hidden_states.shape[1]
            hidden_states = hidden_states.permute(0, 2, 3, 1).reshape(batch, height * width, inner_dim)
            hidden_states = self.proj_in(hidden_states)
        for block in self.transformer_blocks:
            hidden_states = block(hidden_states, encoder_hidden_states)
        if not self.use_linear_projection:
            hidden_states = hidden_states.reshape(batch, height, width, inner_dim).permute(0, 3, 1, 2).contiguous()
            hidden_states = self.proj_out(hidden_states)
        else:
            hidden_states = self.proj_out(hidden_states)
            hidden_states = hidden_states.reshape(batch, height, width, inner_dim).permute(0, 3, 1, 2).contiguous()
        return hidden_states + residual


class DownBlock(nn.Module):
    """CrossAttnDownBlock2D (with_attention) or DownBlock2D."""

    def __init__(self, in_channels: int, out_channels: int, temb_channels: int, cfg: UNetConfig, heads: int,
                 add_downsample: bool, with_attention: bool):
        super().__init__()
        self.resnets = nn.ModuleList([
            ResnetBlock2D(in_channels if i == 0 else out_channels, out_channels, temb_channels, cfg.norm_num_groups,
                          cfg.norm_eps)
            for i in range(cfg.layers_per_block)])
        if with_attention:
            self.attentions = nn.ModuleList([
                Transformer2DModel(heads, out_channels // heads, out_channels, cfg.cross_attention_dim,
                                   cfg.norm_num_groups, cfg.use_linear_projection)
                for _ in range(cfg.layers_per_block)])
        else:
            self.attentions = None
        self.downsamplers = nn.ModuleList([Downsample2D(out_channels, padding=1)]) if add_downsample else None

    def forward(self, hidden_states, temb, encoder_hidden_states):
        output_states = ()
        for i, resnet in enumerate(self.resnets):
            hidden_states = resnet(hidden_states, temb)
            if self.attentions is not None:
                hidden_states = self.attentions[i](hidden_states, encoder_hidden_states)
            output_states = output_states + (hidden_states,)
        if self.downsamplers is not None:
            for downsampler in self.downsamplers:
                hidden_states = downsampler(hidden_states)
            output_states = output_states + (hidden_states,)
        return hidden_states, output_states


class UpBlock(nn.Module):
    """CrossAttnUpBlock2D (with_attention) or UpBlock2D: layers_per_block + 1 resnets, each
    fed the concatenation of the running state and one skip connection."""

    def __init__(self, in_channels: int, prev_output_channel: int, out_channels: int, temb_channels: int,
                 cfg: UNetConfig, heads: int, add_upsample: bool, with_attention: bool):
        super().__init__()
        num_layers = cfg.layers_per_block + 1
        resnets = []
        for i in range(num_layers):
            res_skip_channels = in_channels if i == num_layers - 1 else out_channels
            resnet_in_channels = prev_output_channel if i == 0 else out_channels
            resnets.append(ResnetBlock2D(resnet_in_channels + res_skip_channels, out_channels, temb_channels,
                                         cfg.norm_num_groups, cfg.norm_eps))
        self.resnets = nn.ModuleList(resnets)
        if with_attention:
            self.attentions = nn.ModuleList([
                Transformer2DModel(heads, out_channels // heads, out_channels, cfg.cross_attention_dim,
                                   cfg.norm_num_groups, cfg.use_linear_projection)
                for _ in range(num_layers)])
        else:
            self.attentions = None
        self.upsamplers = nn.ModuleList([Upsample2D(out_channels)]) if add_upsample else None

    def forward(self, hidden_states, res_hidden_states_tuple, temb, encoder_hidden_states):
        for i, resnet in enumerate(self.resnets):
            res_hidden_states = res_hidden_states_tuple[-1]
            res_hidden_states_tuple = res_hidden_states_tuple[:-1]
            hidden_states = torch.cat([hidden_states, res_hidden_states], dim=1)
            hidden_states = resnet(hidden_states, temb)
            if self.attentions is not None:
                hidden_states = self.attentions[i](hidden_states, encoder_hidden_states)
        if self.upsamplers is not None:
            for upsampler in self.upsamplers:
                hidden_states = upsampler(hidden_states)
        return hidden_states


class UNetMidBlock2DCrossAttn(nn.Module):
    def __init__(self, channels: int, temb_channels: int, cfg: UNetConfig, heads: int):
        super().__init__()
        self.attentions = nn.ModuleList([
            Transformer2DModel(heads, channels // heads, channels, cfg.cross_attention_dim, cfg.norm_num_groups,
                               cfg.use_linear_projection)])
        self.resnets = nn.ModuleList([
            ResnetBlock2D(channels, channels, temb_channels, cfg.norm_num_groups, cfg.norm_eps) for _ in range(2)])

    def forward(self, hidden_states, temb, encoder_hidden_states):
        hidden_states = self.resnets[0](hidden_states, temb)
        for attn, resnet in zip(self.attentions, self.resnets[1:]):
            hidden_states = attn(hidden_states, encoder_hidden_states)
            hidden_states = resnet(hidden_states, temb)
        return hidden_states


class UNet2DConditionModel(nn.Module):
    def __init__(self, cfg: UNetConfig):
        super().__init__()
        self.config = cfg
        ch = cfg.block_out_channels
        heads = cfg.heads()
        time_embed_dim = ch[0] * 4
        self.conv_in = nn.Conv2d(cfg.in_channels, ch[0], 3, padding=1)
        self.time_proj = Timesteps(ch[0], cfg.flip_sin_to_cos, cfg.freq_shift)
        self.time_embedding = TimestepEmbedding(ch[0], time_embed_dim)

        self.down_blocks = nn.ModuleList()
        output_channel = ch[0]
        for i, kind in enumerate(cfg.down_block_types):
            input_channel, output_channel = output_channel, ch[i]
            self.down_blocks.append(DownBlock(input_channel, output_channel, time_embed_dim, cfg, heads[i],
                                              add_downsample=i < len(ch) - 1,
                                              with_attention=kind == "CrossAttnDownBlock2D"))

        self.mid_block = UNetMidBlock2DCrossAttn(ch[-1], time_embed_dim, cfg, heads[-1])

        self.up_blocks = nn.ModuleList()
        rev_ch = list(reversed(ch))
        rev_heads = list(reversed(heads))
        output_channel = rev_ch[0]
        for i, kind in enumerate(cfg.up_block_types):
            prev_output_channel = output_channel
            output_channel = rev_ch[i]
            input_channel = rev_ch[min(i + 1, len(ch) - 1)]
            self.up_blocks.append(UpBlock(input_channel, prev_output_channel, output_channel, time_embed_dim, cfg,
                                          rev_heads[i], add_upsample=i < len(ch) - 1,
                                          with_attention=kind == "CrossAttnUpBlock2D"))

        self.conv_norm_out = nn.GroupNorm(cfg.norm_num_groups, ch[0], eps=cfg.norm_eps)
        self.conv_act = nn.SiLU()
        self.conv_out = nn.Conv2d(ch[0], cfg.out_channels, 3, padding=1)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, encoder_hidden_states: torch.Tensor,
                trace: Optional[list] = None) -> torch.Tensor:
        """`trace`, when a list, collects (block name, output) pairs for activation checks."""
        note = (lambda name, x: trace.append((name, x))) if trace is not None else (lambda name, x: None)
        timesteps = timestep
        if timesteps.ndim == 0:
            timesteps = timesteps[None]
        timesteps = timesteps.expand(sample.shape[0])
        t_emb = self.time_proj(timesteps)
        t_emb = t_emb.to(dtype=sample.dtype)
        emb = self.time_embedding(t_emb)
        note("time_embedding", emb)

        sample = self.conv_in(sample)
        note("conv_in", sample)
        down_block_res_samples = (sample,)
        for i, block in enumerate(self.down_blocks):
            sample, res_samples = block(sample, emb, encoder_hidden_states)
            down_block_res_samples += res_samples
            note(f"down_blocks.{i}", sample)

        sample = self.mid_block(sample, emb, encoder_hidden_states)
        note("mid_block", sample)

        for i, block in enumerate(self.up_blocks):
            res_samples = down_block_res_samples[-len(block.resnets):]
            down_block_res_samples = down_block_res_samples[: -len(block.resnets)]
            sample = block(sample, res_samples, emb, encoder_hidden_states)
            note(f"up_blocks.{i}", sample)

        sample = self.conv_out(self.conv_act(self.conv_norm_out(sample)))
        note("conv_out", sample)
        return sample
