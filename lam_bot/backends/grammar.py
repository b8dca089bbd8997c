"""Grammar-constrained decoding with llguidance, the mask applied with plain MLX ops.

llguidance compiles the plan's JSON schema (whitespace fixed, so the JSON is compact;
keys in the schema's order, `reasoning` first) and fills a token bitmask per step.
llguidance's own MLX helper uses `mx.fast.metal_kernel`, which has no CPU back-end
and fails on Linux, so the mask is applied here as an additive bias: numpy unpacks
the bitmask into 0 / -1e30 per token (~0.1 ms, while the model's forward pass runs),
and one MLX add applies it (~0.1 ms; `mx.where` costs ~0.7 ms on this CPU, the
compiled shift-and-where unpack ~0.9 ms). The bias is finite so 0 × it stays 0; any
allowed token outranks every forbidden one.

The mask has the model's vocabulary size (151,936 for Qwen3-8B), which is larger than
the tokenizer's (151,669): the LLTokenizer is built with `n_vocab` set to the model's
size, so the extra rows are never allowed.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

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

    @property
    def done(self) -> bool:
        """True once the grammar is complete: the plan's closing brace was sampled."""
        return self.matcher.is_accepting() or self.matcher.is_stopped()
