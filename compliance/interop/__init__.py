"""Interoperability: import drafts from other formats (Hugging Face model cards) and export
descriptors as bills of materials (CycloneDX 1.6 ML-BOM, SPDX 3.0 with the AI and Dataset
profiles).

Every module here is imported only by the ``import``/``export`` commands, so its dependencies
(cyclonedx-python-lib) stay off the validation path. Nothing here holds legal values: the
exports carry the facts stated in the descriptor, never verdicts.
"""
