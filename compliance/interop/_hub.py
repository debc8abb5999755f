"""The one door to ``huggingface_hub``: offline before it is imported, never on the validate path.

``huggingface_hub`` reads ``HF_HUB_OFFLINE`` once, when its constants module is first imported,
so this module sets it (and turns telemetry off) before importing anything from the library, and
sets the constants again in case another importer got there first. Only local text is handed to
the library (never a repo id, never ``ModelCard.load``), so nothing here can reach the network
anyway; the settings make that hold even if a later change slips. Imported by the ``import
hf-card`` and ``export hf-card`` commands only.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

from huggingface_hub import constants as _constants  # noqa: E402
from huggingface_hub.repocard import REGEX_YAML_BLOCK, ModelCard  # noqa: E402
from huggingface_hub.repocard_data import (  # noqa: E402
    EvalResult,
    ModelCardData,
    eval_results_to_model_index,
    model_index_to_eval_results,
)

_constants.HF_HUB_OFFLINE = True
_constants.HF_HUB_DISABLE_TELEMETRY = True

__all__ = [
    "REGEX_YAML_BLOCK",
    "EvalResult",
    "ModelCard",
    "ModelCardData",
    "eval_results_to_model_index",
    "model_index_to_eval_results",
]
