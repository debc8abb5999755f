"""Interoperability: import drafts from other formats (Hugging Face model cards) and export
descriptors as bills of materials (CycloneDX 1.6 ML-BOM, SPDX 3.0 with the AI and Dataset
profiles) or as a Hugging Face model card.

Every module here is imported only by the ``import``/``export`` commands, so its dependencies
(cyclonedx-python-lib, spdx-python-model, huggingface_hub) stay off the validation path;
huggingface_hub only through :mod:`compliance.interop._hub`, which keeps it offline. Nothing
here holds legal values: the exports carry the facts stated in the descriptor, never verdicts —
except the deadline calendar (:mod:`compliance.interop.calendar`, for ``compliance calendar``, the
only importer of icalendar), which writes the dates the engine and the reporting clocks computed.
"""
