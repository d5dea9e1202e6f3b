"""A small CLIP BPE tokenizer in the real CLIP file format.

The vocabulary is laid out as CLIP's: the 256 byte-level symbols (GPT-2
`bytes_to_unicode` order, so "!" is id 0), the same 256 with the end-of-word suffix
"</w>", one entry per merge (its result, in merge order), then `<|startoftext|>` and
`<|endoftext|>` as the last two ids. The merges are learned by ordinary frequency-ranked
BPE on CORPUS until the vocabulary has the requested size (REDUCED_VOCAB = 1000 tokens:
486 merges); any text still tokenizes through the byte-level symbols.

Written files (tokenizer/ of a diffusers folder, as the public SD repositories have them):
vocab.json, merges.txt ("#version: 0.2" header), tokenizer_config.json,
special_tokens_map.json. SD 1.x pads with "<|endoftext|>", SD 2.x with "!".

`ClipBPE` re-implements CLIP's encoding (NFC, whitespace clean-up, lowercase, CLIP's
pre-tokenizer regex, byte-level mapping, lowest-rank-first BPE) to check the files.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata

from ..tiny.tokenizer import bytes_to_unicode
from .configs import BOS, EOS, MAX_LENGTH

# CLIP's regex with \p{L} / \p{N} written for Python's `re`: [^\W\d_] = letters, \d = digits.
_PATTERN = re.compile(
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\s\w]|_)+",
    re.IGNORECASE,
)

# Prompt-like text the merges are learned from (word frequencies decide the merge order).
CORPUS = """
a photo of a cat sitting on a wooden table, soft light, high detail
a painting of a mountain landscape at sunset, oil on canvas, dramatic clouds
portrait of an old man with a beard, black and white photography, studio lighting
a futuristic city at night, neon lights, rain, cyberpunk, highly detailed, digital art
a red sports car driving on a coastal road, cinematic, golden hour, motion blur
an astronaut riding a horse on the moon, photorealistic, 4k, trending on artstation
a bowl of fresh fruit on a kitchen counter, natural light, still life
a small house in a snowy forest, winter, warm light in the windows, cozy
a dog playing in the park with a ball, happy, sunny day, green grass
watercolor painting of flowers in a glass vase, pastel colors, delicate
a dragon flying over a medieval castle, fantasy art, epic, volumetric lighting
a beautiful woman in a red dress, fashion photography, elegant, bokeh background
a cup of coffee on a desk next to a laptop, morning light, minimal, clean
an ancient temple in the jungle, overgrown with plants, mysterious, fog
a sailing boat on a calm sea, blue sky, white clouds, peaceful, wide angle
a robot reading a book in a library, concept art, intricate details
a bird sitting on a branch, macro photography, shallow depth of field, sharp focus
a street market in an old town, crowded, colorful, documentary photography
an abstract pattern of geometric shapes, vibrant colors, vector art, simple
a lighthouse on a rocky cliff during a storm, waves crashing, dark and moody
a plate of pasta with tomato sauce and basil, food photography, delicious
a child flying a kite on the beach, summer, bright, joyful, film grain
a wolf howling at the full moon, night sky, stars, silhouette, dramatic
a cozy living room with a fireplace, interior design, warm colors, render
a field of sunflowers under a clear sky, countryside, landscape, vivid
a steampunk airship above the clouds, brass and copper, victorian style
a close up of a human eye, reflection, ultra detailed, hyperrealistic
a japanese garden with a red bridge and a pond, cherry blossoms, spring
a knight in shining armor holding a sword, heroic pose, character design
an underwater scene with coral reef and tropical fish, sunlight rays
a vintage poster of a train station, retro style, illustration, typography
a glass of red wine on a wooden table, candle light, romantic evening
a desert with sand dunes and a lonely camel, hot, orange sky, minimalism
a portrait of a young girl with freckles, natural makeup, soft focus
a mountain lake reflecting the trees, autumn leaves, morning mist, calm water
a spaceship landing on an alien planet, science fiction, matte painting
a pencil sketch of a cat, line art, black ink, white paper, simple drawing
a busy city street in the rain, umbrellas, reflections, evening, blue hour
a chocolate cake with strawberries, dessert, bakery, close up, tasty
an owl in a dark forest, glowing eyes, magical, fairy tale, night
a modern building with glass windows, architecture photography, symmetry
a colorful hot air balloon over green hills, aerial view, sunrise, travel
a samurai standing in a bamboo forest, ink painting, traditional style
a teddy bear on a bed, children room, soft toys, pastel, cute
a waterfall in a tropical rainforest, lush vegetation, long exposure
a chess board with wooden pieces, shallow depth of field, game, strategy
a bicycle leaning against a brick wall, urban, street photography, shadow
a snowy mountain peak above the clouds, alpine, adventure, epic scale
a still life of apples and pears, classical painting, renaissance, museum
a fox in the snow, wildlife photography, winter, cold, fluffy fur
a lantern festival at night, thousands of lights, crowd, celebration
an old wooden ship in a bottle, detailed model, craft, museum display
a rainbow over a green valley, after the rain, fresh, hopeful, wide
a neon sign in a dark alley, pink and blue, retro, night photography
a queen wearing a golden crown, royal portrait, baroque, rich fabric
a frog on a lily pad in a pond, macro, green, water drops, nature
a cathedral interior with stained glass windows, light beams, gothic
a pair of running shoes on a track, product photography, studio, white
a lion resting in the savanna, golden grass, safari, warm evening light
a magical potion bottle glowing purple, fantasy item, game asset, render
a tiny village on a floating island, clouds, whimsical, studio ghibli style
a man playing guitar on a stage, concert, spotlight, smoke, music
a bouquet of roses, pink and white, wedding, romantic, soft background
a train crossing a stone bridge in the mountains, steam, valley, scenic
a skull with flowers growing out of it, dark art, surreal, detailed
an oil painting of a harbor with fishing boats, impressionism, brush strokes
a girl reading under a tree, summer afternoon, dappled light, anime style
a sushi platter on a black plate, japanese food, top view, fresh fish
a volcano erupting at night, lava, smoke, dramatic, powerful nature
a golden retriever puppy, cute, studio portrait, soft light, adorable
the northern lights over a frozen lake, aurora, stars, cold night sky
a marble statue of a greek god, museum, dramatic lighting, sculpture
a treehouse in a big oak tree, adventure, childhood, sunny, detailed
a jellyfish glowing in the deep ocean, bioluminescent, dark blue, ethereal
a medieval market square, people, merchants, banners, busy morning
a cup of tea with steam, cozy, rainy window, books, autumn mood
a mechanical watch movement, gears, macro, precision, metal, detail
a penguin family on the ice, antarctica, snow, cold, documentary
a city skyline at dusk, skyscrapers, lights turning on, panorama
a witch flying on a broom across the full moon, halloween, spooky
a field of lavender in provence, purple rows, summer, countryside
a cute monster character, 3d render, pixar style, big eyes, colorful
a motorcycle on a desert highway, freedom, sunset, road trip, dust
"""


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _symbols(piece: str, b2u: dict[int, str]) -> tuple[str, ...]:
    """Initial BPE symbols of a pre-token: its byte characters, the last with "</w>"."""
    chars = "".join(b2u[b] for b in piece.encode("utf-8"))
    return tuple(chars[:-1]) + (chars[-1] + "</w>",)


def _merge(symbols: tuple[str, ...], pair: tuple[str, str]) -> tuple[str, ...]:
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def learn_merges(text: str, num_merges: int) -> list[tuple[str, str]]:
    """Frequency-ranked BPE: the most frequent adjacent pair first (ties: the shorter
    result, then lexicographic), counted over the corpus' pre-tokens with multiplicity."""
    b2u = bytes_to_unicode()
    freq: dict[tuple[str, ...], int] = {}
    for piece in _PATTERN.findall(_clean(text)):
        syms = _symbols(piece, b2u)
        freq[syms] = freq.get(syms, 0) + 1
    merges: list[tuple[str, str]] = []
    while len(merges) < num_merges:
        counts: dict[tuple[str, str], int] = {}
        for syms, n in freq.items():
            for pair in zip(syms, syms[1:]):
                counts[pair] = counts.get(pair, 0) + n
        if not counts:
            raise ValueError(f"the corpus supports only {len(merges)} merges, {num_merges} requested")
        best = max(counts, key=lambda p: (counts[p], -len(p[0] + p[1]), p))
        merges.append(best)
        merged: dict[tuple[str, ...], int] = {}
        for syms, n in freq.items():
            m = _merge(syms, best)
            merged[m] = merged.get(m, 0) + n
        freq = merged
    return merges


def build_vocab(vocab_size: int) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """CLIP-layout vocabulary of exactly `vocab_size` tokens, and its ranked merges."""
    base = list(bytes_to_unicode().values())
    merges = learn_merges(CORPUS, vocab_size - 2 * len(base) - 2)
    tokens = base + [c + "</w>" for c in base] + ["".join(m) for m in merges] + [BOS, EOS]
    if len(tokens) != len(set(tokens)):
        raise AssertionError("duplicate token in the vocabulary")
    return {t: i for i, t in enumerate(tokens)}, merges


class ClipBPE:
    """CLIP tokenizer encoding from vocab (token -> id) and ranked merges."""

    def __init__(self, vocab: dict[str, int], merges: list[tuple[str, str]], pad_token: str = EOS):
        self.encoder = vocab
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.bos_id = vocab[BOS]
        self.eos_id = vocab[EOS]
        self.pad_id = vocab[pad_token]

    @classmethod
    def load(cls, folder: str) -> "ClipBPE":
        with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
            vocab = json.load(f)
        with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        merges = [tuple(line.split()) for line in lines[1:] if line.strip()]
        with open(os.path.join(folder, "special_tokens_map.json"), encoding="utf-8") as f:
            pad = json.load(f)["pad_token"]
        return cls(vocab, merges, pad if isinstance(pad, str) else pad["content"])

    def bpe(self, symbols: tuple[str, ...]) -> tuple[str, ...]:
        while len(symbols) > 1:
            pairs = set(zip(symbols, symbols[1:]))
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            symbols = _merge(symbols, best)
        return symbols

    def tokenize(self, text: str) -> list[int]:
        ids: list[int] = []
        for piece in _PATTERN.findall(_clean(text)):
            ids.extend(self.encoder[s] for s in self.bpe(_symbols(piece, self.byte_encoder)))
        return ids

    def encode(self, text: str) -> list[int]:
        """77 ids: BOS, the tokens (truncated), EOS, then the pad token."""
        body = self.tokenize(text)[: MAX_LENGTH - 2]
        ids = [self.bos_id] + body + [self.eos_id]
        return ids + [self.pad_id] * (MAX_LENGTH - len(ids))


def _added_token(content: str, type_field: bool) -> dict:
    entry = {"content": content, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}
    return {"__type": "AddedToken", **entry} if type_field else entry


def write_tokenizer(folder: str, vocab_size: int, pad_token: str, name_or_path: str) -> ClipBPE:
    """Write the four tokenizer files into `folder`; returns the encoder read back from them."""
    vocab, merges = build_vocab(vocab_size)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    with open(os.path.join(folder, "special_tokens_map.json"), "w", encoding="utf-8") as f:
        json.dump({"bos_token": _added_token(BOS, False), "eos_token": _added_token(EOS, False),
                   "pad_token": pad_token, "unk_token": _added_token(EOS, False)}, f, indent=2)
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump({
            "add_prefix_space": False,
            "bos_token": _added_token(BOS, True),
            "do_lower_case": True,
            "eos_token": _added_token(EOS, True),
            "errors": "replace",
            "model_max_length": MAX_LENGTH,
            "name_or_path": name_or_path,
            "pad_token": pad_token,
            "special_tokens_map_file": "./special_tokens_map.json",
            "tokenizer_class": "CLIPTokenizer",
            "unk_token": _added_token(EOS, True),
        }, f, indent=2)
    tok = ClipBPE.load(folder)
    if tok.bos_id != vocab_size - 2 or tok.eos_id != vocab_size - 1:
        raise AssertionError("BOS / EOS must be the last two ids (the text encoder pools at argmax(ids))")
    return tok
