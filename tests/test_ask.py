"""`compliance ask`: deciding questions answered and written into the descriptor, comments and
layout kept."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.descriptor.answers import AnswerError, apply_answers, parse_answer, question_for

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE_EU = """\
# Acme's chat assistant. Facts checked by legal on 2026-11-30.
schema_version: 1
organisation: {name: Acme Inc, country: US, roles: [provider]}
system:
  id: acme-chat   # stable id
  name: Acme Chat
  markets: [US-CA]
  is_ai_system: true
"""


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_no_answers_change_nothing(example: Path) -> None:
    text = example.read_text("utf-8")
    assert apply_answers(text, {}) == text


def test_an_answer_touches_only_its_line() -> None:
    text = (ROOT / "examples" / "recruitment-screening-provider.yaml").read_text("utf-8")
    changed = apply_answers(text, {"system.use_cases[cv-screening-ranking].dpia_required": False,
                                   "organisation.code_of_practice_signatory": True})
    before, after = text.splitlines(), changed.splitlines()
    assert [line for line in before if line not in after] == ["      dpia_required: true"]
    assert sorted(line for line in after if line not in before) == [
        "      dpia_required: false", "  code_of_practice_signatory: true"]


@pytest.mark.parametrize(("path", "kind"), [
    ("system.output_used_in_eu", "bool"),
    ("system.features.remote_biometric_identification", "choice"),
    ("organisation.roles", "choices"),
    ("system.lifecycle.planned_eu_placement", "date"),
    ("models[m1].training_compute.flop", "number"),
    ("system.use_cases[u].annex_i[0].is_product", "bool"),
])
def test_question_kinds(path: str, kind: str) -> None:
    question = question_for(path)
    assert question is not None and question.kind == kind


@pytest.mark.parametrize("path", ["system.use_cases", "models", "system.nope", "system.features"])
def test_groups_lists_and_unknown_paths_are_not_inline_questions(path: str) -> None:
    assert question_for(path) is None


def test_answers_are_parsed_strictly() -> None:
    flag = question_for("system.output_used_in_eu")
    assert flag is not None and parse_answer(flag, "Yes") is True and parse_answer(flag, "n") is False
    with pytest.raises(AnswerError, match="yes or no"):
        parse_answer(flag, "maybe")
    roles = question_for("organisation.roles")
    assert roles is not None and parse_answer(roles, "provider, deployer") == ["provider", "deployer"]
    with pytest.raises(AnswerError, match="boss"):
        parse_answer(roles, "provider, boss")


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                "help_option_names": []})
@click.pass_context
def _entry(ctx: click.Context) -> None:
    """The real entry point (its error handler and exit codes) under CliRunner."""
    main(ctx.args)


def _run(args: list[str], **kwargs: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(_entry, args, catch_exceptions=False, **kwargs)


def test_ask_writes_the_territorial_answer_first_and_keeps_comments(tmp_path: Path) -> None:
    file = tmp_path / "ai-system.yaml"
    file.write_text(OUTSIDE_EU, "utf-8")
    result = _run(["ask", str(file), "--as-of", "2027-01-15", "--answer", "system.output_used_in_eu=no"])
    assert result.exit_code == 0, result.output
    text = file.read_text("utf-8")
    assert text == OUTSIDE_EU + "  output_used_in_eu: false\n"
    assert "undetermined obligations:" in result.stderr


def test_ask_at_the_prompt_repeats_until_an_answer_parses(tmp_path: Path) -> None:
    file = tmp_path / "ai-system.yaml"
    file.write_text(OUTSIDE_EU, "utf-8")
    result = _run(["ask", str(file), "--as-of", "2027-01-15", "--limit", "1"], input="maybe\nyes\n\n")
    assert result.exit_code == 0, result.output
    assert "answer yes or no" in result.stderr
    assert file.read_text("utf-8").endswith("  output_used_in_eu: true\n")


def test_a_bad_or_unasked_answer_writes_nothing(tmp_path: Path) -> None:
    file = tmp_path / "ai-system.yaml"
    file.write_text(OUTSIDE_EU, "utf-8")
    bad = _run(["ask", str(file), "--as-of", "2027-01-15", "--answer", "system.output_used_in_eu=maybe"])
    assert bad.exit_code == 2 and "yes or no" in bad.stderr
    unasked = _run(["ask", str(file), "--as-of", "2027-01-15", "--answer", "system.name=Other"])
    assert unasked.exit_code == 2 and "not asked" in unasked.stderr
    dry = _run(["ask", str(file), "--as-of", "2027-01-15", "--dry-run", "--answer", "system.output_used_in_eu=yes"])
    assert dry.exit_code == 0 and dry.stdout.endswith("  output_used_in_eu: true\n")
    assert file.read_text("utf-8") == OUTSIDE_EU


def test_an_answer_keeps_the_other_nulls_and_drops_its_init_note() -> None:
    text = ("organisation:\n"
            "  country: null     # TODO code  [#1: decides 3 obligations — answer first]\n"
            "  size: null        # TODO size  [#2: decides 1 obligation — answer first]\n")
    assert apply_answers(text, {"organisation.country": "FR"}) == (
        "organisation:\n"
        "  country: FR       # TODO code\n"
        "  size: null        # TODO size  [#2: decides 1 obligation — answer first]\n")
