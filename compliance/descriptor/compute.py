"""The training-compute estimate the descriptor's consistency check and the fact view share.

Training compute of a dense transformer is about 6 FLOP per parameter per token (forward and
backward pass; Kaplan et al. 2020, the approximation the Commission's GPAI guidelines use). It is
an estimate of a fact, not a legal threshold: thresholds live in the rule data.
"""

from __future__ import annotations

import math

COMPUTE_ESTIMATE_FACTOR = 6.0


def estimate_training_compute(parameters: int | None, tokens: int | None) -> float | None:
    """6 x parameters x tokens; None when either is unknown or the product is beyond a float
    (counts are unbounded integers: 10**400 parameters must not crash, nor become infinity)."""
    if parameters is None or tokens is None:
        return None
    try:
        estimate = COMPUTE_ESTIMATE_FACTOR * float(parameters) * float(tokens)
    except OverflowError:
        return None
    return estimate if math.isfinite(estimate) else None
