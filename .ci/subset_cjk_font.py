#!/usr/bin/env python3
"""Make the bundled CJK font (templates/base/fonts/NotoSansCJKsc-*-subset.otf) from Noto Sans CJK.

Not run by CI: the subset files are committed. Run it again only to change the character set or
move to a new upstream release, then update templates/base/fonts/README.md (source, version,
character counts, sizes) in the same commit.

    apt-get download fonts-noto-cjk          # Debian's package of the upstream release
    dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto-cjk
    .venv/bin/python .ci/subset_cjk_font.py \
        /tmp/noto-cjk/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
        templates/base/fonts/NotoSansCJKsc-Regular-subset.otf

The input is the OpenType collection of Noto Sans CJK (CFF outlines); the face used is the
Simplified Chinese one ("Noto Sans CJK SC"), whose Han glyphs follow the mainland standard. All
faces of the collection share the same Hangul glyphs.

Character set (every code point is taken from Python's own codecs and Unicode ranges, so the
set needs no data file and comes out the same on every machine):
  - GB 2312: all 7,445 graphic characters (6,763 Hanzi of levels 1 and 2, plus the symbols,
    full-width forms, kana, Greek and Cyrillic of the standard), via the ``gb2312`` codec;
  - KS X 1001 without its Hanja: 3,337 of its 8,225 graphic characters (2,350 Hangul
    syllables, jamo and symbols), via the ``euc_kr`` codec. The 4,888 Hanja are left out (they
    would add 2,204 ideographs, about 0.6 MB in the wheel); the 2,684 of them that GB 2312 also
    has are in the font all the same;
  - every precomposed Hangul syllable (U+AC00-U+D7A3, 11,172) and the Hangul compatibility
    jamo (U+3131-U+318E, which include the middle dot U+318D of Korean statutes);
  - CJK Symbols and Punctuation (U+3000-U+303F) and the Halfwidth and Fullwidth Forms
    (U+FF01-U+FF60, U+FFE0-U+FFE6);
  - printable ASCII (U+0020-U+007E), so that digits and Latin letters inside CJK runs keep
    their metrics if a document ever puts this font first.
Code points the face does not map are skipped (the subsetter ignores them).

Layout features kept: those horizontal text uses (ccmp, liga, calt, kern, mark, palt, halt,
hwid, fwid, pwid). The vertical-writing features (vert, vrt2, vkrn, vpal, vhal, vjmo) and the
regional forms (locl: the Korean, Japanese and Traditional Chinese glyph variants of the Han
characters) are dropped: WeasyPrint sets horizontal text only and the documents use the
Simplified Chinese forms. The name table keeps every record (copyright, licence, licence URL).
Subroutines are kept (smaller file); WeasyPrint subsets again into each PDF.

The output is byte-reproducible: the head table's modification date is pinned to the upstream
font's own, and fontTools writes tables in a fixed order.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

FACE = "Noto Sans CJK SC"
FEATURES = ["ccmp", "liga", "calt", "kern", "mark", "mkmk", "palt", "halt", "hwid", "fwid", "pwid"]


def _codec(encoding: str, lead: range, trail: range) -> set[int]:
    """Every character a double-byte EUC codec decodes from the given byte ranges."""
    out = set()
    for hi in lead:
        for lo in trail:
            try:
                text = bytes([hi, lo]).decode(encoding)
            except UnicodeDecodeError:
                continue
            out.update(ord(c) for c in text)
    return out


def _han(code: int) -> bool:
    """A CJK unified or compatibility ideograph."""
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF


def charset() -> set[int]:
    chars: set[int] = set()
    chars |= _codec("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
    chars |= {c for c in _codec("euc_kr", range(0xA1, 0xFF), range(0xA1, 0xFF)) if not _han(c)}
    chars |= set(range(0xAC00, 0xD7A4))  # Hangul syllables
    chars |= set(range(0x3131, 0x318F))  # Hangul compatibility jamo
    chars |= set(range(0x3000, 0x3040))  # CJK symbols and punctuation
    chars |= set(range(0xFF01, 0xFF61)) | set(range(0xFFE0, 0xFFE7))  # full/half-width forms
    chars |= set(range(0x20, 0x7F))  # printable ASCII
    return chars


def face(collection: Path) -> TTFont:
    for font in TTCollection(str(collection), lazy=False).fonts:
        if font["name"].getDebugName(1) == FACE:
            return font
    raise SystemExit(f"{collection}: no face named {FACE!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("collection", type=Path, help="NotoSansCJK-<Weight>.ttc")
    parser.add_argument("output", type=Path, help="the .otf to write")
    args = parser.parse_args(argv)

    font = face(args.collection)
    modified = font["head"].modified
    wanted = charset()
    cmap = font.getBestCmap()
    options = subset.Options()
    options.layout_features = FEATURES
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    options.drop_tables += ["VORG", "vhea", "vmtx"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(wanted))
    subsetter.subset(font)
    font["head"].modified = modified
    font.recalcTimestamp = False  # else fontTools stamps the time of the save
    font.save(str(args.output), reorderTables=True)

    mapped = wanted & set(cmap)
    hangul = sum(1 for c in mapped if 0xAC00 <= c <= 0xD7A3)
    han = sum(1 for c in mapped if _han(c))
    print(f"{args.output}: {args.output.stat().st_size:,} bytes, {len(mapped):,} characters "
          f"({hangul:,} Hangul syllables, {han:,} Han ideographs), "
          f"{len(font.getGlyphOrder()):,} glyphs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
