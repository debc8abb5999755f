#!/usr/bin/env python3
"""`compliance validate` against a schema-only validator of the same files, whole processes.

Anchor: ``check-jsonschema --schemafile schemas/ai-system.schema.json FILES`` when the command is
installed beside this interpreter (``pip install -e '.[bench]'``) or on PATH. Without it, a
Python anchor in a fresh process: PyYAML loads each file (C loader when built, dates kept as
text as check-jsonschema does) and the ``jsonschema`` library validates it against the same
schema with format checks; without jsonschema, ``python -c pass`` (start-up only). The anchor
used is printed.

Cases: 1 file and N files (default 1,000 copies of the recruitment example with unique ids and
its evidence beside them), each in one process. Targets (issue 2, set against
check-jsonschema): 1 file <= 0.7x, N files <= 0.2x the anchor's CPU; peak RSS < 100 MiB.
Not a test: prints tables.

    python benchmarks/bench_validate.py [--runs 5] [--files 1000] [--anchor auto|check-jsonschema|jsonschema|pass]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys

from _harness import BIN, COMPLIANCE, ROOT, Bench, Command, Row, python, table

SAMPLE = ROOT / "examples" / "recruitment-screening-provider.yaml"
SCHEMA = ROOT / "schemas" / "ai-system.schema.json"
AS_OF = "2026-11-25"
MAX_RSS = 100 * 2**20

# The Python anchor. `rfc3987_syntax` (an optional IRI-format helper that jsonschema imports when
# present, pulled into this environment by cyclonedx-python-lib[json-validation]) builds a
# parser at import for ~0.9 s; a plain `pip install jsonschema` does not have it and the schema
# uses no IRI format, so it is kept out.
JSONSCHEMA_ANCHOR = """\
import json, sys
sys.modules["rfc3987_syntax"] = None
import jsonschema, yaml
try:
    from yaml import CSafeLoader as Base
except ImportError:
    from yaml import SafeLoader as Base
class Loader(Base):
    pass
Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in Base.yaml_implicit_resolvers.items()}
with open(sys.argv[1], encoding="utf-8") as handle:
    schema = json.load(handle)
cls = jsonschema.validators.validator_for(schema)
validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
failed = 0
for name in sys.argv[2:]:
    with open(name, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=Loader)
    for error in validator.iter_errors(data):
        failed = 1
        print(f"{name}: {error.json_path}: {error.message}")
sys.exit(failed)
"""


def anchor(choice: str) -> tuple[str, list[str], str]:
    """(name, command prefix taking the files, note) of the anchor."""
    installed = BIN / "check-jsonschema"
    found = str(installed) if installed.is_file() else shutil.which("check-jsonschema")
    if choice in ("auto", "check-jsonschema") and found:
        return "check-jsonschema", [found, "--schemafile", str(SCHEMA)], "check-jsonschema"
    if choice == "check-jsonschema":
        sys.exit("check-jsonschema is not installed: pip install -e '.[bench]'")
    has_jsonschema = importlib.util.find_spec("jsonschema") is not None
    if choice in ("auto", "jsonschema") and has_jsonschema:
        return ("PyYAML + jsonschema", python("-c", JSONSCHEMA_ANCHOR, str(SCHEMA)),
                "check-jsonschema is not installed; anchor: PyYAML + the jsonschema library in "
                "one fresh process (same schema, format checks on). The targets were set against "
                "check-jsonschema, whose start-up is heavier: read them as indicative")
    if choice == "jsonschema":
        sys.exit("the jsonschema library is not installed")
    return ("python -c pass", python("-c", "pass", "--"),
            "neither check-jsonschema nor jsonschema is installed; anchor: `python -c pass` "
            "(interpreter start-up, no work): the targets do not apply to it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--anchor", choices=["auto", "check-jsonschema", "jsonschema", "pass"],
                        default="auto")
    args = parser.parse_args()
    name, theirs, note = anchor(args.anchor)
    with Bench(f"compliance validate vs {name}: 1 file and {args.files} files", args.runs) as bench:
        print(f"  {note}")
        folder = bench.work
        # evidence paths are relative to the descriptor: the evidence folder goes alongside
        shutil.copytree(ROOT / "examples" / "evidence", folder / "evidence")
        text = SAMPLE.read_text("utf-8")
        files = []
        for index in range(args.files):
            path = folder / f"system-{index:04d}.yaml"
            path.write_text(text.replace("\n  id: ", f"\n  id: s{index:04d}-", 1), "utf-8")
            files.append(str(path))
        ours = [*COMPLIANCE, "validate", "-q", "--as-of", AS_OF]
        rows: list[Row] = []
        for label, count, target in (("1 file", 1, 0.7), (f"{args.files} files", args.files, 0.2)):
            anchor_samples, validate = bench.measure([
                Command(f"{name}, {label}", [*theirs, *files[:count]]),
                Command(f"compliance validate, {label}", [*ours, *files[:count]])])
            rows += [Row(anchor_samples, anchor_samples), Row(validate, anchor_samples, target)]
        print(table(rows, name))
        peak = max(row.samples.rss_max for row in rows if row.samples.name.startswith("compliance"))
        print(f"  peak RSS of compliance validate: {peak / 2**20:.0f} MiB "
              f"(target < {MAX_RSS // 2**20} MiB: {'holds' if peak < MAX_RSS else 'MISSED'})")


if __name__ == "__main__":
    main()
