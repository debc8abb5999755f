"""The training-compute estimate the descriptor's consistency check and the fact view share.

Training compute of a dense transformer is about 6 FLOP per parameter per token (forward and
backward pass; Kaplan et al. 2020, the approximation the Commission's GPAI guidelines use). It is
an estimate of a fact, not a legal threshold: thresholds live in the rule data.
"""

from __future__ import annotations

COMPUTE_ESTIMATE_FACTOR = 6.0


def estimate_training_compute(parameters: int | None, tokens: int | None) -> float | None:
    """6 x parameters x tokens, or None when either is unknown."""
    if parameters is None or tokens is None:
        return None
    return COMPUTE_ESTIMATE_FACTOR * parameters * tokens
