"""Grammar-constrained decoding with llguidance, the mask applied with plain MLX ops.

llguidance compiles the plan's JSON schema (whitespace fixed, so the JSON is compact;
keys in the schema's order, `reasoning` first) and fills a token bitmask per step.
llguidance's own MLX helper uses `mx.fast.metal_kernel`, which has no CPU back-end
and fails on Linux, so `Masker` applies the mask with plain MLX ops, in one of two
ways chosen per step from the packed mask (measured on the seed's example plan):
- JSON structure (a third of the steps) leaves a handful of tokens, often exactly
  one: their ids come from the few set words and MLX gathers just their logits; a
  forced token needs no logits at all.
- Free text allows most of the vocabulary: an additive bias (0 allowed, -1e30
  forbidden) kept in a preallocated buffer, in which only the mask words that changed
  since the last dense step are re-unpacked (a median of 8 of 4,748), is added to the
  logits by one MLX add, re-sent to MLX only when it changed. The bias is finite so
  0 x it stays 0; any allowed token outranks every forbidden one.

The mask has the model's vocabulary size (151,936 for Qwen3-8B), which is larger than
the tokenizer's (151,669): the LLTokenizer is built with `n_vocab` set to the model's
size, so the extra rows are never allowed.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, NamedTuple

import llguidance
import llguidance.hf
import llguidance.numpy
import mlx.core as mx
import numpy as np

from lam_bot.errors import BackendError

JSON_OPTIONS: dict[str, Any] = {"whitespace_flexible": False}
_TOKENIZERS: dict[tuple[int, int], llguidance.LLTokenizer] = {}


def lltokenizer(hf_tokenizer: Any, n_vocab: int) -> llguidance.LLTokenizer:
    """The llguidance tokenizer for `hf_tokenizer` (~3 s to build, so once per process)."""
    key = (id(hf_tokenizer), n_vocab)
    if key not in _TOKENIZERS:
        n_vocab = max(n_vocab, len(hf_tokenizer))
        _TOKENIZERS[key] = llguidance.hf.from_tokenizer(hf_tokenizer, n_vocab=n_vocab)
    return _TOKENIZERS[key]


FORBIDDEN = -1e30


@cache
def _grammar(schema_text: str) -> str:
    return llguidance.LLMatcher.grammar_from_json_schema(schema_text, defaults=JSON_OPTIONS)  # type: ignore[arg-type]


def grammar_for(schema: dict[str, Any]) -> str:
    """The llguidance grammar for a JSON schema (compiled once per schema)."""
    return _grammar(json.dumps(schema))  # not sorted: key order is the output's order


def mask_bias(bitmask: np.ndarray, vocab: int) -> np.ndarray:
    """0 for each token the bitmask allows, FORBIDDEN for the rest, over `vocab` tokens."""
    bits = np.unpackbits(bitmask.reshape(-1).view(np.uint8), bitorder="little")
    if bits.size < vocab:
        raise BackendError(f"grammar mask covers {bits.size} tokens, the model {vocab}")
    bias = bits[:vocab].astype(np.float32)
    bias -= 1.0
    bias *= -FORBIDDEN
    return bias


def apply_bias(logits: mx.array, bias: np.ndarray) -> mx.array:
    """`logits` with the grammar's bias added: forbidden tokens drop out of sampling."""
    return logits + mx.array(bias)


# At most this many set mask words (of 4,748) means a few allowed tokens: gather them.
SPARSE_WORDS = 64


def allowed_ids(words: np.ndarray, vocab: int) -> np.ndarray:
    """The token ids a packed mask allows, below `vocab`; cheap when few words are set."""
    nonzero = np.flatnonzero(words)
    bits = np.unpackbits(words[nonzero].view(np.uint8).reshape(-1, 4), axis=1, bitorder="little")
    rows, cols = np.nonzero(bits)
    ids = nonzero[rows] * 32 + cols
    return ids[ids < vocab]


class Choice(NamedTuple):
    """What the sampler picks from: `logits[i]` is token `ids[i]`, or token i if no ids."""

    ids: np.ndarray | None
    logits: mx.array | None  # None when the grammar forces the single token in `ids`


class Masker:
    """Applies one generation's masks to logits (see the module docstring for how)."""

    def __init__(self, vocab: int) -> None:
        self.vocab = vocab
        self.words = np.zeros(-(-vocab // 32), dtype=np.int32)  # what `bias` reflects
        self.bias = np.full(self.words.size * 32, FORBIDDEN, dtype=np.float32)
        self.device_bias: mx.array | None = None  # `bias[:vocab]` in MLX, while unchanged

    def apply(self, logits: mx.array, bitmask: np.ndarray) -> Choice:
        """The candidates for the next token under `bitmask`, from `logits` (1 x vocab)."""
        words = bitmask.reshape(-1)
        if words.size < self.words.size:
            raise BackendError(
                f"grammar mask covers {words.size * 32} tokens, the model {self.vocab}"
            )
        words = words[: self.words.size]
        if np.count_nonzero(words) <= SPARSE_WORDS:
            ids = allowed_ids(words, self.vocab)
            if ids.size == 1:
                return Choice(ids, None)
            return Choice(ids, logits[0, mx.array(ids)])
        return Choice(None, logits[0] + self._update(words))

    def _update(self, words: np.ndarray) -> mx.array:
        changed = np.flatnonzero(words != self.words)
        if changed.size or self.device_bias is None:
            bits = np.unpackbits(
                words[changed].view(np.uint8).reshape(-1, 4), axis=1, bitorder="little"
            )
            self.bias.reshape(-1, 32)[changed] = (bits.astype(np.float32) - 1.0) * -FORBIDDEN
            self.words[changed] = words[changed]
            self.device_bias = mx.array(self.bias[: self.vocab])
        return self.device_bias


class Constraint:
    """One generation's grammar state: the matcher and its bitmask buffer."""

    def __init__(self, tokenizer: llguidance.LLTokenizer, schema: dict[str, Any]) -> None:
        self.matcher = llguidance.LLMatcher(tokenizer, grammar_for(schema), log_level=0)
        self._check()
        self.bitmask = llguidance.numpy.allocate_token_bitmask(1, tokenizer.vocab_size)

    def _check(self) -> None:
        if self.matcher.is_error():
            raise BackendError(f"grammar error: {self.matcher.get_error()}")

    def fill(self) -> np.ndarray:
        """The bitmask of tokens allowed next."""
        llguidance.numpy.fill_next_token_bitmask(self.matcher, self.bitmask)
        self._check()
        return self.bitmask

    def bias(self, vocab: int) -> np.ndarray:
        """The additive logit bias for the next token."""
        return mask_bias(self.fill(), vocab)

    def consume(self, token: int) -> None:
        """Advance past a sampled token (it was allowed by the last mask)."""
        self.matcher.consume_token(token)
        self._check()

    def forced(self) -> list[int]:
        """The tokens the grammar forces next, in the tokenizer's canonical split ([] if none)."""
        tokens: list[int] = self.matcher.compute_ff_tokens()
        self._check()
        return tokens

    def consume_run(self, tokens: list[int]) -> None:
        """Advance past `tokens` at once (a forced run from `forced`)."""
        self.matcher.consume_tokens(tokens)
        self._check()

    @property
    def done(self) -> bool:
        """True once the grammar is complete: the plan's closing brace was sampled."""
        return self.matcher.is_accepting() or self.matcher.is_stopped()
