from __future__ import annotations

import datetime as dt

import pytest

from compliance.descriptor.yamlio import Mark, YamlError, dump, load_bytes, load_text


def test_booleans_are_yaml_1_2_only() -> None:
    data = load_text("a: NO\nb: yes\nc: true\nd: False\n").data
    assert data == {"a": "NO", "b": "yes", "c": True, "d": False}


def test_exponent_floats_without_dot() -> None:
    assert load_text("x: 1e25\ny: 2.0e+25\n").data == {"x": 1e25, "y": 2e25}


def test_dates_are_dates() -> None:
    assert load_text("d: 2026-08-02\n").data == {"d": dt.date(2026, 8, 2)}


def test_duplicate_key_reports_both_lines() -> None:
    with pytest.raises(YamlError) as err:
        load_text("a: 1\nb: 2\na: 3\n")
    assert err.value.mark == Mark(3, 1)
    assert "first defined at line 1" in err.value.message


def test_positions_of_keys_and_values() -> None:
    located = load_text("system:\n  name: X\n  markets: [EU, KR]\n")
    assert located.key_marks[("system", "name")] == Mark(2, 3)
    assert located.value_marks[("system", "name")] == Mark(2, 9)
    assert located.value_marks[("system", "markets", 1)] == Mark(3, 17)


def test_billion_laughs_fails_fast() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    prev = "a"
    for level in "bcdefghij":
        bomb += f"{level}: &{level} [" + ", ".join(f"*{prev}" for _ in range(10)) + "]\n"
        prev = level
    with pytest.raises(YamlError) as err:
        load_text(bomb)
    assert "nodes" in err.value.message


def test_binary_and_non_utf8_are_rejected() -> None:
    with pytest.raises(YamlError, match="binary"):
        load_bytes(b"a: 1\x00\n")
    with pytest.raises(YamlError, match="UTF-8") as err:
        load_bytes(b"a: 1\nb: \xff\xfe\n")
    assert err.value.mark.line == 2


def test_python_tags_are_rejected() -> None:
    with pytest.raises(YamlError):
        load_text("a: !!python/object:os.system [ls]\n")


def test_dump_quotes_what_would_change_type() -> None:
    data = {"country": "NO", "n": "123", "d": "2026-01-01", "t": "true", "plain": "hello"}
    assert load_text(dump(data)).data == data
