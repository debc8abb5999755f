"""The committed schemas/ are exactly what the models generate, and every field is documented."""

from __future__ import annotations

import json
from pathlib import Path

from compliance.interop.schemas import all_schemas, dumps

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schemas_are_fresh() -> None:
    for name, schema in all_schemas().items():
        committed = ROOT / "schemas" / name
        assert committed.is_file(), f"schemas/{name} is missing: run `compliance schema --write schemas`"
        assert committed.read_text("utf-8") == dumps(schema), (
            f"schemas/{name} is stale: run `compliance schema --write schemas` and review the diff"
        )


def test_every_descriptor_field_has_a_description() -> None:
    schema = all_schemas()["ai-system.schema.json"]
    missing = []
    for def_name, definition in {"Descriptor": schema, **schema.get("$defs", {})}.items():
        for field, spec in definition.get("properties", {}).items():
            if "description" not in spec:
                missing.append(f"{def_name}.{field}")
    assert not missing, "fields without a docstring: " + ", ".join(missing)


def test_examples_validate_against_the_generated_schema() -> None:
    import jsonschema

    from compliance.descriptor.yamlio import load_bytes

    schema = json.loads((ROOT / "schemas" / "ai-system.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    assert examples
    for path in examples:
        data = json.loads(json.dumps(load_bytes(path.read_bytes()).data, default=str))
        errors = list(validator.iter_errors(data))
        assert not errors, f"{path.name}: {errors[0].message}"
