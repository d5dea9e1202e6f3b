"""A tiny tokenizer in real CLIP BPE format.

The vocabulary is laid out like CLIP's: the 256 byte-level symbols
(GPT-2 `bytes_to_unicode`), the same 256 with the end-of-word suffix "</w>", one entry
per merge (its result), then `<|startoftext|>` and `<|endoftext|>` as the last two ids.
The merges are learned by ordinary BPE training on a small word list, run until every
word is a single `word</w>` token; any other text still tokenizes through the
byte-level fallback.

`ClipBPE` is a plain re-implementation of CLIP's `SimpleTokenizer` / HF
`CLIPTokenizer` encoding (lowercase, whitespace clean-up, CLIP's regex, byte-level
mapping, lowest-rank-first BPE), used by training and to verify the files.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata

BOS = "<|startoftext|>"
EOS = "<|endoftext|>"
MAX_LEN = 77

# CLIP's pre-tokenisation pattern (with \p{L} / \p{N} written for Python's `re`,
# which lacks Unicode classes: [^\W\d_] = letters, \d = digits; good enough for the
# ASCII captions used here). The JSON files carry the original \p{..} pattern.
CLIP_PATTERN = r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
_PY_PATTERN = re.compile(
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\s\w]|_)+",
    re.IGNORECASE,
)


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP byte -> printable unicode char table (order matters for ids)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def _word_symbols(word: str) -> tuple[str, ...]:
    """Initial BPE symbols of a byte-encoded word: chars, last one with '</w>'."""
    return tuple(word[:-1]) + (word[-1] + "</w>",)


def learn_merges(words: list[str]) -> list[tuple[str, str]]:
    """Plain BPE training (most frequent pair first, ties broken deterministically),
    continued until every word is one symbol."""
    b2u = bytes_to_unicode()
    corpus = {w: list(_word_symbols("".join(b2u[b] for b in w.encode("utf-8")))) for w in words}
    merges: list[tuple[str, str]] = []
    while True:
        counts: dict[tuple[str, str], int] = {}
        for syms in corpus.values():
            for p in zip(syms, syms[1:]):
                counts[p] = counts.get(p, 0) + 1
        if not counts:
            return merges
        best = max(counts, key=lambda p: (counts[p], -len(p[0] + p[1]), p))
        merges.append(best)
        for w, syms in corpus.items():
            out, i = [], 0
            while i < len(syms):
                if i + 1 < len(syms) and (syms[i], syms[i + 1]) == best:
                    out.append(syms[i] + syms[i + 1])
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            corpus[w] = out


class ClipBPE:
    """CLIP tokenizer encoding, given vocab (token -> id) and ranked merges."""

    def __init__(self, vocab: dict[str, int], merges: list[tuple[str, str]]):
        self.encoder = vocab
        self.decoder = {v: k for k, v in vocab.items()}
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.cache: dict[str, list[str]] = {}
        self.bos_id = vocab[BOS]
        self.eos_id = vocab[EOS]

    @classmethod
    def load(cls, folder: str) -> "ClipBPE":
        with open(os.path.join(folder, "vocab.json")) as f:
            vocab = json.load(f)
        with open(os.path.join(folder, "merges.txt")) as f:
            lines = f.read().split("\n")
        merges = [tuple(l.split()) for l in lines[1:] if l.strip()]
        return cls(vocab, merges)

    def bpe(self, token: str) -> list[str]:
        """Lowest-rank pair first, merging all its occurrences, until no ranked pair."""
        if token in self.cache:
            return self.cache[token]
        word = list(_word_symbols(token))
        while len(word) > 1:
            pairs = set(zip(word, word[1:]))
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            word = out
        self.cache[token] = word
        return word

    def tokenize(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFC", text)
        text = re.sub(r"\s+", " ", text).strip().lower()
        toks: list[str] = []
        for piece in _PY_PATTERN.findall(text):
            enc = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            toks.extend(self.bpe(enc))
        return toks

    def encode(self, text: str, pad: bool = True) -> list[int]:
        """BOS + ids + EOS, truncated to 77 (keeping EOS last) and padded with EOS."""
        ids = [self.encoder[t] for t in self.tokenize(text)]
        ids = [self.bos_id] + ids[: MAX_LEN - 2] + [self.eos_id]
        if pad:
            ids = ids + [self.eos_id] * (MAX_LEN - len(ids))
        return ids


def build_vocab(words: list[str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """CLIP-layout vocabulary and merges for the given word list."""
    merges = learn_merges(words)
    base = list(bytes_to_unicode().values())
    tokens = base + [c + "</w>" for c in base] + ["".join(m) for m in merges] + [BOS, EOS]
    assert len(tokens) == len(set(tokens)), "duplicate token in vocabulary"
    return {t: i for i, t in enumerate(tokens)}, merges


def tokenizer_json(vocab: dict[str, int], merges: list[tuple[str, str]]) -> dict:
    """The Hugging Face `tokenizers` file, equivalent to openai/clip-vit-*'s."""
    special = lambda tok: {"id": vocab[tok], "content": tok, "single_word": False, "lstrip": False,
                           "rstrip": False, "normalized": False, "special": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(BOS), special(EOS)],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"},
            {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
            {"type": "Lowercase"},
        ]},
        # As in CLIP's own tokenizer.json: keep the regex matches, drop the rest
        # (whitespace); an "Isolated" split would keep spaces as tokens.
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": CLIP_PATTERN}, "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        ]},
        "post_processor": {"type": "RobertaProcessing", "sep": [EOS, vocab[EOS]], "cls": [BOS, vocab[BOS]],
                           "trim_offsets": False, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": EOS, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": [f"{a} {b}" for a, b in merges]},
    }


def write_tokenizer(folder: str, words: list[str]) -> ClipBPE:
    """Write vocab.json, merges.txt, tokenizer.json, configs; verify; return the encoder."""
    vocab, merges = build_vocab(words)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.json"), "w") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    with open(os.path.join(folder, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(vocab, merges), f, ensure_ascii=False, indent=1)
    tok_entry = lambda t: {"__type": "AddedToken", "content": t, "lstrip": False, "normalized": True,
                           "rstrip": False, "single_word": False}
    with open(os.path.join(folder, "special_tokens_map.json"), "w") as f:
        json.dump({"bos_token": tok_entry(BOS) | {"__type": None}, "eos_token": tok_entry(EOS) | {"__type": None},
                   "pad_token": EOS, "unk_token": tok_entry(EOS) | {"__type": None}},
                  f, indent=2)
    # drop the None "__type" keys written above (kept the dict literal short)
    with open(os.path.join(folder, "special_tokens_map.json")) as f:
        stm = json.load(f)
    stm = {k: ({kk: vv for kk, vv in v.items() if vv is not None} if isinstance(v, dict) else v) for k, v in stm.items()}
    with open(os.path.join(folder, "special_tokens_map.json"), "w") as f:
        json.dump(stm, f, indent=2)
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump({
            "tokenizer_class": "CLIPTokenizer",
            "model_max_length": MAX_LEN,
            "do_lower_case": True,
            "add_prefix_space": False,
            "errors": "replace",
            "bos_token": tok_entry(BOS),
            "eos_token": tok_entry(EOS),
            "unk_token": tok_entry(EOS),
            "pad_token": EOS,
        }, f, indent=2)

    tok = ClipBPE.load(folder)
    for w in words:  # every word must be one token through the standard algorithm
        assert tok.bpe("".join(tok.byte_encoder[b] for b in w.encode())) == [w + "</w>"], w
    return tok
