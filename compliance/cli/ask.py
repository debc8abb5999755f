"""``compliance ask``: the deciding questions of an assessment, answered at the prompt (or with
``--answer``) and written into the descriptor with its comments and layout kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from compliance.cli import DATE, resolve_as_of
from compliance.errors import InputError, UsageError


@click.command("ask")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--as-of", "as_of", type=DATE, default=None, help="Evaluate at this date (default: today).")
@click.option("--limit", type=click.IntRange(1, 50), default=10, show_default=True,
              help="How many deciding questions to ask.")
@click.option("--answer", "answers", multiple=True, metavar="PATH=VALUE",
              help="Answer a question without the prompt (repeatable), e.g. system.output_used_in_eu=no.")
@click.option("--dry-run", is_flag=True, help="Print the descriptor with the answers instead of writing it.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Rule data folder (default: the bundled jurisdictions/).")
def ask_command(file: Path, as_of: dt.date | None, limit: int, answers: tuple[str, ...], dry_run: bool,
                rules_dir: Path | None) -> None:
    """Ask the questions that decide the most undetermined obligations of FILE and write the
    answers into it, keeping its comments and layout. A blank answer skips a question; a
    question the format cannot take inline (a list of use cases, say) is named for you to edit.
    The descriptor is validated with the answers before it is written (atomically).

    Not legal advice: the answers are facts you state about your system."""
    from compliance.descriptor.answers import AnswerError, apply_answers, parse_answer, question_for
    from compliance.descriptor.validation import load_valid_descriptor, parse_descriptor
    from compliance.descriptor.yamlio import MAX_BYTES
    from compliance.io.fsutil import atomic_write_text, read_input
    from compliance.io.textsafe import echo
    from compliance.law.engine.evaluator import assess_selected
    from compliance.law.questions import questions
    from compliance.law.rulebook import load_rulebook
    from compliance.paths import rules_dir as default_rules

    raw = read_input(file, MAX_BYTES, what="descriptor")
    descriptor = load_valid_descriptor(file, raw)
    day = resolve_as_of(as_of)
    book = load_rulebook(rules_dir or default_rules())
    before = assess_selected(descriptor, book, day)
    given = _given(answers)
    prompting = not given  # --answer makes the run non-interactive
    chosen: dict[str, Any] = {}
    by_hand: list[str] = []
    try:
        for _fact, fields in questions(before, limit):
            for path in fields:
                question = question_for(path)
                if question is None:
                    by_hand.append(path)
                    break
                value = _answer(question, given.pop(path, None), prompting, parse_answer, AnswerError)
                if value is not None:
                    chosen[path] = value
                    break
    except click.Abort:  # end of input at the prompt: keep what was answered so far
        click.echo("", err=True)
    if given:
        raise UsageError(f"--answer for a question not asked: {', '.join(sorted(given))}",
                         "answer the paths the questions name (run without --answer to see them)")
    for path in by_hand:
        echo(f"edit by hand: {path} (not a single value)", err=True)
    if not chosen:
        echo("no answers: nothing written", err=True)
        return
    text = apply_answers(raw.decode("utf-8-sig"), chosen)
    result = parse_descriptor(text.encode("utf-8"), str(file), file.parent)
    if result.errors or result.descriptor is None:
        lines = "\n".join(p.format() for p in result.errors)
        raise InputError(f"the answers would make {file} invalid; nothing written:\n{lines}",
                         "answer again, or edit the file by hand")
    after = assess_selected(result.descriptor, book, day)
    if dry_run:
        click.echo(text, nl=False)
    else:
        atomic_write_text(file, text)
    undetermined = (sum(o.verdict.value == "undetermined" for o in before.obligations()),
                    sum(o.verdict.value == "undetermined" for o in after.obligations()))
    echo(f"{'would write' if dry_run else 'wrote'} {len(chosen)} answer{'s' if len(chosen) != 1 else ''} "
         f"to {file}; undetermined obligations: {undetermined[0]} -> {undetermined[1]}", err=True)


def _given(answers: tuple[str, ...]) -> dict[str, str]:
    given: dict[str, str] = {}
    for item in answers:
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            raise UsageError(f"--answer {item!r}: expected PATH=VALUE", "e.g. --answer system.output_used_in_eu=no")
        given[path.strip()] = value
    return given


def _answer(question: Any, given: str | None, prompting: bool, parse: Any, error: type[Exception]) -> Any:
    """The parsed answer: from --answer when given (a bad one is an error), else from the prompt
    (asked again until it parses; blank skips); None when skipped or not prompting."""
    from compliance.io.textsafe import echo

    if given is not None:
        if not given.strip():
            return None
        try:
            return parse(question, given)
        except error as exc:
            raise UsageError(f"--answer {question.path}: {exc}", "see the question's kind in `compliance ask --help`") from None
    if not prompting:
        return None
    hint = {"bool": "yes/no", "choice": " | ".join(question.choices), "choices": "comma-separated: "
            + ", ".join(question.choices), "date": "YYYY-MM-DD", "number": "number", "integer": "whole number",
            "texts": "comma-separated", "text": "text"}[question.kind]
    while True:
        typed = click.prompt(f"{question.path} [{hint}] (blank skips)", default="", show_default=False)
        if not typed.strip():
            return None
        try:
            return parse(question, typed)
        except error as exc:
            echo(f"  {exc}", err=True)
