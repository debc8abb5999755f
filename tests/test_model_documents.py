"""Model-level documents: the model's own facts in Annex XI and XII and SB 53's report, and the
public summary of training content along the AI Office template (C(2025) 5235 final): yes / no /
not stated per source category, size bands per modality. Context level only: no PDF renders."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from _packs import AS_OF, DATA, sample_assessment

from compliance.descriptor.model import AIModel, Descriptor
from compliance.documents.context import PackInfo, resolve
from compliance.documents.context.formatting import band_label, format_value
from compliance.documents.context.structured import _Walker, load_structure
from compliance.documents.pack import load_descriptor, render_documents

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
SUMMARY = "training-content-summary-om-7b"
ANNEX_XI = "annex-xi-model-documentation-om-7b"
ANNEX_XII = "annex-xii-downstream-information-om-7b"


def _gpai(tmp_path: Path, change=None) -> dict[str, Any]:
    """The rendered contexts of tests/data/gpai.yaml, after ``change(data)`` edits its model."""
    data = yaml.safe_load((DATA / "gpai.yaml").read_text("utf-8"))
    if change is not None:
        change(data["models"][0])
    path = tmp_path / "gpai.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    info = PackInfo(AS_OF, "0" * 64, path.name, path.parent, "0.1.0", "eu 2026.11.25")
    _, docs = render_documents(load_descriptor(path), sample_assessment("gpai"), info, None)
    return {d.decision.stem: d.context for d in docs}


def _fields(ctx: dict) -> dict[str, dict]:
    out: dict[str, dict] = {}
    stack = list(ctx["sections"])
    while stack:
        s = stack.pop()
        out.update({f["id"]: f for f in s["fields"]})
        stack.extend(s["children"])
    return out


def _sections(ctx: dict) -> list[dict]:
    out, stack = [], list(ctx["sections"])
    while stack:
        s = stack.pop(0)
        out.append(s)
        stack[:0] = s["children"]
    return out


# --------------------------------------------------------------------------- fact lookup


def test_resolve_filters_a_list_by_a_key() -> None:
    data = {"m": {"sources": [
        {"name": "a", "type": "web_crawl", "modalities": ["text"]},
        {"name": "b", "type": "public_dataset", "modalities": ["image", "text"]},
        {"name": "c", "type": "other"},
    ]}}
    assert [s["name"] for s in resolve(data, "m.sources[type=web_crawl]")] == ["a"]
    assert [s["name"] for s in resolve(data, "m.sources[type=web_crawl|other]")] == ["a", "c"]
    assert resolve(data, "m.sources[type=public_dataset].modalities") == ["image", "text"]
    assert [s["name"] for s in resolve(data, "m.sources[modalities=image]")] == ["b"]
    assert resolve(data, "m.sources[type=synthetic]") == []
    assert resolve(data, "m.sources[type=synthetic].modalities") is None
    assert resolve(data, "m.nothing[type=x]") is None
    with pytest.raises(ValueError, match="filter"):
        resolve(data, "m.sources[type]")


# --------------------------------------------------------------------------- formats

PARAMETER_BANDS = load_structure(TEMPLATES / "eu/ai_act/annex_xi.sections.yaml")["bands"]["parameters"]
SIZE_BANDS = load_structure(
    TEMPLATES / "eu/ai_act/training_summary.sections.yaml")["bands"]["training_data_size"]


def test_band_bounds_come_from_the_sections_file() -> None:
    bins = PARAMETER_BANDS["bins"]
    assert band_label(7.3e9, bins) == "5 to 15 billion"
    assert band_label(5.0e8, bins) == "500 million to 5 billion"  # a boundary goes up
    assert band_label(1.0e12, bins) == "500 billion to 1 trillion"  # up_to is inclusive
    assert band_label(2.0e12, bins) == "more than 1 trillion"
    text = next(g for g in SIZE_BANDS if g["modality"] == "text")["bins"]
    assert band_label(9.99e8, text) == "Less than 1 billion tokens"
    assert band_label(1.0e13, text) == "1 billion to 10 trillion tokens"
    assert band_label(1.1e13, text) == "More than 10 trillion tokens"


def test_band_format_gives_the_figure_and_its_range_or_the_stated_range() -> None:
    assert format_value(70_000_000_000, "band", PARAMETER_BANDS) == [
        "7.00 × 10^10 parameters (range: 50 to 100 billion)"]
    assert format_value("5b_15b", "band", PARAMETER_BANDS) == [
        "Range: 5 to 15 billion (exact figure not stated)"]
    with pytest.raises(ValueError, match="bands"):
        format_value(7, "band")


def test_modality_bands_add_up_a_template_modality_and_keep_other_units_custom() -> None:
    entries = [
        {"modality": "text", "size": 9.0e12, "unit": "tokens"},
        {"modality": "code", "size": 2.0e12, "unit": "tokens"},  # counted as text: 11T in all
        {"modality": "image", "size": 40, "unit": "TB"},  # not the unit the bands count
        {"modality": "speech", "size": 5000, "unit": "hours"},
        {"modality": "tabular", "size": 12, "unit": "GB"},
    ]
    lines = format_value(entries, "modality_bands", SIZE_BANDS)
    assert lines[0].startswith("Text: More than 10 trillion tokens (1.10 × 10^13 tokens in all:")
    assert lines[1] == "Images: image 40 TB (custom size and unit)"
    assert lines[2] == "Audio: Less than 10 000 hours (5.00 × 10^3 hours)"
    assert lines[3] == "Other: tabular 12 GB (custom size and unit)"
    assert format_value([{"modality": "text", "content_types": ["books", "web pages"]}],
                        "content_types") == ["Text: books, web pages"]


def test_month_format() -> None:
    import datetime as dt

    assert format_value("2025-06", "month") == ["06/2025"]
    assert format_value(dt.date(2025, 6, 30), "month") == ["06/2025"]


# --------------------------------------------------------------------------- yes / no / not stated

QUESTIONS = load_structure(TEMPLATES / "eu/ai_act/training_summary.sections.yaml")["questions"]


def _answer(question: str, training_data: dict | None) -> tuple[str | None, str]:
    model = {} if training_data is None else {"training_data": training_data}
    walker = _Walker(doc_key="training_summary", facts={"model": model}, obligations=[],
                     evidence=[], classifications={}, fallback_blockers=[], questions=QUESTIONS)
    return walker.answer(question)


CRAWL = {"name": "crawl", "type": "web_crawl"}
UNTYPED = {"name": "mystery"}


@pytest.mark.parametrize(
    ("question", "training_data", "expected"),
    [
        # yes whenever a listed source has the type, complete or not
        ("web_crawl", {"sources": [CRAWL]}, ("yes", "")),
        ("web_crawl", {"sources": [CRAWL, UNTYPED]}, ("yes", "")),
        # no only when the list is stated, typed throughout and stated complete
        ("synthetic", {"sources": [CRAWL], "sources_complete": True}, ("no", "")),
        ("synthetic", {"sources": [], "sources_complete": True}, ("no", "")),
        ("synthetic", {"sources": [CRAWL]}, (None, "model.training_data.sources_complete")),
        ("synthetic", {"sources": [CRAWL], "sources_complete": False},
         (None, "model.training_data.sources_complete")),
        ("synthetic", {"sources": [CRAWL, UNTYPED], "sources_complete": True},
         (None, "model.training_data.sources.type")),
        ("synthetic", {"sources_complete": True}, (None, "model.training_data.sources")),
        ("synthetic", None, (None, "model.training_data.sources")),
        # user data of unstated origin: user data is used, but from where stays open
        ("user_data", {"sources": [{"name": "u", "type": "user_data"}], "sources_complete": True},
         ("yes", "")),
        ("user_interactions", {"sources": [{"name": "u", "type": "user_data"}],
                               "sources_complete": True}, (None, "model.training_data.sources.type")),
        ("user_other_services", {"sources": [{"name": "u", "type": "user_interactions"}],
                                 "sources_complete": True}, ("no", "")),
        # the provider's own non-public data is an "other" source (template §2.6)
        ("other", {"sources": [{"name": "tickets", "type": "proprietary"}]}, ("yes", "")),
    ],
)
def test_source_questions_never_answer_no_without_a_complete_list(
        question: str, training_data: dict | None, expected: tuple) -> None:
    assert _answer(question, training_data) == expected


def test_every_descriptor_source_type_answers_some_question() -> None:
    from typing import get_args

    from compliance.descriptor.model import DataSource

    kinds = {a for t in get_args(DataSource.model_fields["type"].annotation) for a in get_args(t)}
    covered = {t for q in QUESTIONS.values() for t in q["yes_if"]}
    assert kinds and kinds <= covered, sorted(kinds - covered)


# --------------------------------------------------------------------------- training summary


def test_training_summary_follows_the_template_point_by_point(tmp_path: Path) -> None:
    ctx = _gpai(tmp_path)[SUMMARY]
    assert [s["citation"] for s in _sections(ctx)] == [
        "Template header", "Template §1", "Template §1.1", "Template §1.2", "Template §1.3",
        "Template §2", "Template §2.1", "Template §2.2", "Template §2.2.1", "Template §2.2.2",
        "Template §2.3", "Template §2.4", "Template §2.5", "Template §2.6",
        "Template §3", "Template §3.1", "Template §3.2", "Template §3.3"]
    fields = _fields(ctx)
    questions = {fid for fid in fields if fid.endswith((".used", ".interactions", ".services"))}
    assert questions == {
        "training_summary.2.1.used", "training_summary.2.2.1.used", "training_summary.2.2.2.used",
        "training_summary.2.3.used", "training_summary.2.4.used",
        "training_summary.2.4.interactions", "training_summary.2.4.services",
        "training_summary.2.5.used", "training_summary.2.6.used"}
    assert ctx["doc"]["subtitle"] == "Model: OpenModel 7B 1.0"
    assert "training_summary.1.3.tokens" not in fields  # no raw token count: size bands only


def test_unlisted_categories_are_gaps_until_the_list_is_stated_complete(tmp_path: Path) -> None:
    fields = _fields(_gpai(tmp_path)[SUMMARY])
    assert fields["training_summary.2.1.used"]["lines"] == ["Yes"]  # FineWeb-Edu
    assert fields["training_summary.2.3.used"]["lines"] == ["Yes"]  # the lab's crawl
    assert fields["training_summary.2.1.modalities"]["lines"] == ["text"]
    for point in ("2.2.1", "2.2.2", "2.4", "2.5", "2.6"):
        field = fields[f"training_summary.{point}.used"]
        assert field["lines"] == [] and field["gap"], point
        assert field["gap"]["fact"] == "model.training_data.sources_complete"
        assert "Art. 53(1)(d)" in [b["citation"] for b in field["gap"]["blocks"]]
    # the fields that depend on an open answer wait for it instead of adding gaps of their own
    synthetic = fields["training_summary.2.5.generators"]
    assert synthetic["gap"] is None and synthetic["not_applicable"].startswith("Depends on")

    def complete(model: dict) -> None:
        model["training_data"]["sources_complete"] = True

    fields = _fields(_gpai(tmp_path, complete)[SUMMARY])
    for point in ("2.2.1", "2.2.2", "2.4", "2.5", "2.6"):
        assert fields[f"training_summary.{point}.used"]["lines"] == ["No"], point
    assert fields["training_summary.2.4.interactions"]["lines"] == ["No"]
    assert fields["training_summary.2.5.generators"]["not_applicable"] == "Not applicable."


def test_size_band_collection_date_and_languages(tmp_path: Path) -> None:
    fields = _fields(_gpai(tmp_path)[SUMMARY])
    for fid in ("1.3.size", "1.3.latest", "1.3.languages", "1.3.continuous"):
        assert fields[f"training_summary.{fid}"]["gap"], fid
    assert fields["training_summary.1.3.modalities"]["lines"] == ["text"]  # from the sources

    def state(model: dict) -> None:
        model["training_data"].update({
            "modalities": [{"modality": "text", "size": 2.0e12, "unit": "tokens",
                            "content_types": ["web pages", "educational texts"]}],
            "latest_collection_date": "2025-09", "collection_continues": False,
            "languages": ["en", "fr"]})

    fields = _fields(_gpai(tmp_path, state)[SUMMARY])
    assert fields["training_summary.1.3.size"]["lines"] == [
        "Text: 1 billion to 10 trillion tokens (2.00 × 10^12 tokens)"]
    assert fields["training_summary.1.3.content"]["lines"] == ["Text: web pages, educational texts"]
    assert fields["training_summary.1.3.latest"]["lines"] == ["09/2025"]
    assert fields["training_summary.1.3.continuous"]["lines"] == ["No"]
    assert fields["training_summary.1.3.languages"]["lines"] == ["en, fr"]


def test_gpai_example_answers_every_source_question() -> None:
    from compliance.documents.pack import assess_descriptor

    path = ROOT / "examples" / "open-weights-gpai-community-licence.yaml"
    descriptor = load_descriptor(path)
    info = PackInfo(AS_OF, "0" * 64, path.name, path.parent, "0.1.0", "test")
    _, docs = render_documents(descriptor, assess_descriptor(descriptor, AS_OF), info, None)
    fields = _fields(next(d.context for d in docs if d.decision.stem.startswith("training")))
    answers = {fid: f["lines"] for fid, f in fields.items()
               if fid.endswith((".used", ".interactions", ".services"))}
    assert answers == {
        "training_summary.2.1.used": ["Yes"], "training_summary.2.2.1.used": ["Yes"],
        "training_summary.2.2.2.used": ["No"], "training_summary.2.3.used": ["Yes"],
        "training_summary.2.4.used": ["No"], "training_summary.2.4.interactions": ["No"],
        "training_summary.2.4.services": ["No"], "training_summary.2.5.used": ["Yes"],
        "training_summary.2.6.used": ["No"]}
    assert fields["training_summary.1.3.size"]["lines"][0].startswith(
        "Text: 1 billion to 10 trillion tokens (7.10 × 10^12 tokens in all")
    assert all(not f["gap"] for fid, f in fields.items() if fid.startswith("training_summary.1."))


# --------------------------------------------------------------------------- Annex XI / XII


def test_annex_xi_and_xii_use_the_models_own_tasks_not_the_systems_purpose(tmp_path: Path) -> None:
    contexts = _gpai(tmp_path)
    xi, xii = _fields(contexts[ANNEX_XI]), _fields(contexts[ANNEX_XII])
    purpose = "General-purpose chat assistant built on the lab's own model."
    for field in (xi["annex_xi.4.intended_uses"], xii["annex_xii.1.a"]):
        assert purpose not in field["lines"]
        assert field["gap"]["fact"] == "model.intended_tasks"
    assert xi["annex_xi.4.integration_types"]["gap"]["fact"] == "model.integration_targets"

    def state(model: dict) -> None:
        model.update({
            "intended_tasks": "Instruction following and code completion.",
            "integration_targets": "Chat assistants and coding tools.",
            "release_date": "2026-02-16",
            "releases": [{"channel": "hub", "date": "2026-02-16"},
                         {"channel": "api", "date": "2026-03-02", "description": "EU and US"}],
            "max_input_sizes": [{"modality": "text", "max_size": "32768 tokens"}],
            "max_output_sizes": [{"modality": "text", "max_size": "4096 tokens"}],
            "documentation_version": "2.0", "documentation_updated": "2026-03-02"})

    contexts = _gpai(tmp_path, state)
    xi, xii = _fields(contexts[ANNEX_XI]), _fields(contexts[ANNEX_XII])
    assert xi["annex_xi.4.intended_uses"]["lines"] == ["Instruction following and code completion."]
    assert xii["annex_xii.1.a.systems"]["lines"] == ["Chat assistants and coding tools."]
    assert xi["annex_xi.1.first_release"]["lines"] == ["2026-02-16"]
    assert xi["annex_xi.3.releases"]["lines"] == ["hub: 2026-02-16", "api: 2026-03-02 — EU and US"]
    assert xii["annex_xii.2.b"]["lines"] == ["text: 32768 tokens"]
    assert xii["annex_xii.2.b.output"]["lines"] == ["text: 4096 tokens"]
    assert xi["annex_xi.header.version"]["lines"] == ["2.0"]
    assert xi["annex_xi.header.updated"]["recipients"] == ["AIO", "NCA", "DP"]


def test_parameter_range_stands_in_for_an_undisclosed_count(tmp_path: Path) -> None:
    xi = _fields(_gpai(tmp_path)[ANNEX_XI])
    assert xi["annex_xi.2.size"]["lines"] == ["7.30 × 10^9 parameters (range: 5 to 15 billion)"]

    def undisclosed(model: dict) -> None:
        del model["parameters"]
        model["parameter_range"] = "5b_15b"

    contexts = _gpai(tmp_path, undisclosed)
    assert _fields(contexts[ANNEX_XI])["annex_xi.2.size"]["lines"] == [
        "Range: 5 to 15 billion (exact figure not stated)"]
    assert _fields(contexts[ANNEX_XII])["annex_xii.1.f.params"]["gap"] is None


def test_sb53_release_date_is_the_models_release_date() -> None:
    structure = load_structure(TEMPLATES / "us_ca/sb53/transparency_report.sections.yaml")
    walker = _Walker(doc_key="ca_transparency_report", obligations=[], evidence=[],
                     classifications={}, fallback_blockers=[],
                     facts={"model": {"id": "f-1", "release_date": "2026-01-20"}})
    c_1 = walker.section(structure["sections"][0])
    fields = {f["id"]: f for c in c_1["children"] for f in c["fields"]}
    assert fields["ca_transparency_report.c_1.c.date"]["lines"] == ["2026-01-20"]
    assert fields["ca_transparency_report.c_1.f.tasks"]["gap"]["fact"] == "model.intended_tasks"


# --------------------------------------------------------------------------- structure files


def _model_field_exists(path: str) -> bool:
    """Whether a sections-file fact path names a descriptor field (filters and list steps
    allowed; model.derived.* is computed by the walker)."""
    from typing import get_args, get_origin

    from pydantic import BaseModel

    roots: dict[str, Any] = {"model": AIModel, "models": AIModel,
                             **{k: f.annotation for k, f in Descriptor.model_fields.items()}}
    parts = path.split(".")
    if parts[:2] == ["model", "derived"]:
        return True
    current: Any = roots.get(parts[0])
    for part in parts[1:]:
        name = part.split("[", 1)[0]
        pending, found = [current], None
        while pending:  # unwrap Optional / list / Annotated to the model class
            tp = pending.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                if name in tp.model_fields:
                    found = tp.model_fields[name].annotation
                break
            if get_origin(tp) is not None or get_args(tp):
                pending.extend(get_args(tp))
        if found is None:
            return False
        current = found
    return current is not None


@pytest.mark.parametrize("structure", sorted(TEMPLATES.glob("**/*.sections.yaml")),
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_fact_a_sections_file_names_is_a_descriptor_field(structure: Path) -> None:
    data = load_structure(structure)
    paths: list[str] = []
    stack: list[Any] = list(data["sections"])
    while stack:
        node = stack.pop()
        stack.extend(node.get("children") or [])
        if node.get("each"):  # a repeated section: its fields' facts are relative to an item
            each = node["each"]
            paths.extend([each, *([each + node["item_heading"]] if node.get("item_heading") else [])])
            stack.extend({**f, "fact": each + f["fact"]} if str(f.get("fact", "")).startswith(".")
                         else f for f in node.get("fields") or [])
        else:
            stack.extend(node.get("fields") or [])
        fact = node.get("fact")
        paths.extend([fact] if isinstance(fact, str) else fact or [])
        conditions = [node.get("applicable_if") or {}]
        while conditions:  # a condition, or any/all of conditions
            cond = conditions.pop()
            conditions.extend(cond.get("any") or cond.get("all") or [])
            if cond.get("fact"):
                paths.append(cond["fact"])
    for q in (data.get("questions") or {}).values():
        paths.extend([q["items"], f"{q['items']}.{q['key']}", q["complete"]])
    unknown = [p for p in paths if not _model_field_exists(p)]
    assert not unknown, unknown


def test_a_structure_naming_an_undefined_question_or_band_set_is_refused(tmp_path: Path) -> None:
    base = {"sections": [{"id": "d.1", "heading": "H", "fields": [
        {"id": "d.1.a", "label": "A", "question": "nope"}]}]}
    path = tmp_path / "d.sections.yaml"
    path.write_text(yaml.safe_dump(base), "utf-8")
    with pytest.raises(ValueError, match="no question 'nope'"):
        load_structure(path)
    broken = copy.deepcopy(base)
    broken["sections"][0]["fields"][0] = {"id": "d.1.a", "label": "A", "fact": "model.parameters",
                                          "format": "band", "bands": "missing"}
    path.write_text(yaml.safe_dump(broken), "utf-8")
    with pytest.raises(ValueError, match="no band set 'missing'"):
        load_structure(path)


def test_an_organisations_own_licence_prints_by_its_name() -> None:
    from compliance.documents.context.formatting import _fmt_mapping

    own = {"id": "LicenseRef-Proprietary", "name": "Quillmere terms", "url": "https://q.example/t"}
    assert _fmt_mapping(own) == "Quillmere terms — https://q.example/t"
    assert _fmt_mapping({"id": "Apache-2.0", "name": "Apache License 2.0"}) == "Apache-2.0 (Apache License 2.0)"
    assert _fmt_mapping({"id": "LicenseRef-x", "url": "https://x.example"}) == "LicenseRef-x — https://x.example"
