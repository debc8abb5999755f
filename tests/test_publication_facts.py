"""AB 2013 § 3111(a)(10)-(11) and the website where SB 53 and AB 2013 documents are posted come
from stated facts; a dataset that does not state its dates says so instead of staying silent."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from compliance.documents.context import PackInfo
from compliance.documents.pack import assess_descriptor, load_descriptor, render_documents
from compliance.documents.selection import BY_KEY

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = dt.date(2026, 12, 7)


def _texts() -> dict[str, str]:
    path = EXAMPLES / "frontier-model-provider.yaml"
    descriptor = load_descriptor(path)
    info = PackInfo(AS_OF, "0" * 64, path.name, path.parent, "0.1.0", "eu 2026.11.25")
    _, docs = render_documents(descriptor, assess_descriptor(descriptor, AS_OF), info, None)
    return {d.decision.stem: html.unescape(re.sub(r"<[^>]+>", " ", d.html)) for d in docs}


def test_collection_periods_and_first_use_per_dataset() -> None:
    text = " ".join(_texts()[BY_KEY["ca_training_data_documentation"].filename].split())
    assert "Licensed publisher and image-library corpus — collected from: 2024-03 — until: 2025-09" in text
    assert "QuillBot web crawl 2023-2025 — first used: 2023-06" in text
    # the synthetic source states no dates: the document says so for that dataset
    assert "Synthetic reasoning and code data — start of collection not stated" in text
    assert "Synthetic reasoning and code data — date not stated" in text


def test_the_website_fills_every_where_posted_field() -> None:
    texts = _texts()
    for key in ("ca_training_data_documentation", "ca_frontier_ai_framework"):
        assert "https://quillmere.example/transparency" in texts[BY_KEY[key].filename], key
    report = next(t for stem, t in texts.items()
                  if stem.startswith(BY_KEY["ca_transparency_report"].filename))
    assert "https://quillmere.example/transparency" in report


def test_a_pinpoint_that_names_its_instrument_is_not_prefixed_twice(rulebook) -> None:
    """China's rules cite several instruments; "GB 45438-2025 cl. 5" already names its standard."""
    from compliance.cli.reporting import render_assessment_text
    from compliance.law.engine.evaluator import assess_selected

    descriptor = load_descriptor(EXAMPLES / "frontier-model-provider.yaml")
    text = render_assessment_text(assess_selected(descriptor, rulebook, AS_OF))
    assert "GB 45438-2025 cl. 5" in text
    assert "GB 45438-2025 GB 45438-2025" not in text
    assert "Labelling Measures Art. 4" in text  # other instruments keep their prefix
