"""Korean and Chinese text in the PDFs: the bundled CJK font, no host font, the label strings.

Small HTML documents go through compliance.documents.pdf.render_pdf with the bundled templates as
the only root (the stylesheet and fonts of every document), so these tests do not build a pack.
Which font drew a character is read from the PDF: each embedded font's name (the @font-face
family) and embedded program (its own family name), and its ToUnicode map from glyph to text
(a character no font has is drawn as .notdef, with a glyph id the font program does not have)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from compliance.documents.pdf import render_bare, render_pdf
from compliance.paths import templates_dir

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FONTS = templates_dir() / "base" / "fonts"
CJK_FONT = FONTS / "NotoSansCJKsc-Regular-subset.otf"
AS_OF = dt.date(2026, 12, 7)
#: The families of the bundled font files (each embedded font program names one of them).
BUNDLED_FAMILIES = {"DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono", "Noto Sans CJK SC"}

KOREAN = "생성형 인공지능에 의하여 생성되었다는 사실"
CHINESE = "人工智能生成合成内容标识办法，本内容由人工智能生成。"
DEVANAGARI = "अ"  # no bundled font has it


def _html(body: str) -> str:
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Scripts</title>'
            '<link rel="stylesheet" href="base/print.css"></head><body>'
            f"<h1>Native scripts</h1>{body}</body></html>")


def _render(body: str) -> bytes:
    return render_pdf(_html(body), roots=[templates_dir()], as_of=AS_OF).pdf


def _fonts(pdf: bytes) -> dict[str, dict]:
    """Each font of the PDF by its name (``ABCDEF+Doc-CJK-Sans``): the family its embedded
    program names, and its ToUnicode map (glyph id -> text)."""
    fonts: dict[str, dict] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            program = TTFont(io.BytesIO(stream.get_object().get_data()))
            cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
            glyphs = {int(gid, 16): bytes.fromhex(text).decode("utf-16-be")
                      for gid, text in re.findall(r"<([0-9a-f]+)> <([0-9a-f]+)>", cmap)}
            fonts[str(font["/BaseFont"])] = {"family": program["name"].getDebugName(1),
                                             "glyphs": glyphs,
                                             "count": program["maxp"].numGlyphs}
    return fonts


def _drawn_by(fonts: dict[str, dict], char: str) -> set[str]:
    """The fonts that drew ``char`` with a glyph of their own. A character no font has is drawn
    as .notdef: WeasyPrint gives it a glyph id past the end of the font (the viewer draws glyph
    0 for it) so that its ToUnicode entry still names the character."""
    return {name for name, f in fonts.items()
            if any(text == char and 0 < gid < f["count"] for gid, text in f["glyphs"].items())}


def _text(pdf: bytes) -> str:
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", "", text)


def test_korean_and_chinese_are_drawn_by_the_bundled_cjk_font() -> None:
    pdf = _render(f"<p>Korean: {KOREAN}</p><p>Chinese: {CHINESE}</p>"
                  f'<p class="mono">{KOREAN}</p><h2>{CHINESE}</h2>')
    fonts = _fonts(pdf)
    # only the stylesheet's @font-face families, and only the bundled programs behind them
    assert all(name.split("+", 1)[1].startswith("Doc-") for name in fonts), sorted(fonts)
    assert {f["family"] for f in fonts.values()} <= BUNDLED_FAMILIES, fonts
    cjk = {name for name in fonts if name.endswith("+Doc-CJK-Sans")}
    assert len(cjk) == 1 and fonts[cjk.pop()]["family"] == "Noto Sans CJK SC"
    for char in set(KOREAN + CHINESE) - {" "}:
        drawn = _drawn_by(fonts, char)
        assert drawn and all(name.endswith("+Doc-CJK-Sans") for name in drawn), (char, drawn)
    # Latin text keeps DejaVu: the CJK font draws no Latin letter
    assert not _drawn_by(fonts, "K") & {n for n in fonts if n.endswith("+Doc-CJK-Sans")}
    text = _text(pdf)
    assert KOREAN.replace(" ", "") in text and CHINESE in text


def _host_font(folder: Path) -> Path:
    """A TrueType font named "Host Only Test" with a box glyph for Devanagari letter A: a font
    the host has and the bundled fonts do not."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box() -> object:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 700))
        pen.lineTo((500, 700))
        pen.lineTo((500, 0))
        pen.closePath()
        return pen.glyph()

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "a_deva"])
    builder.setupCharacterMap({ord(DEVANAGARI): "a_deva"})
    builder.setupGlyf({".notdef": box(), "a_deva": box()})
    builder.setupHorizontalMetrics({".notdef": (600, 100), "a_deva": (600, 100)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Host Only Test", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    path = folder / "HostOnlyTest.ttf"
    builder.save(str(path))
    return path


def test_a_host_font_is_never_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The host's fontconfig knows a font with the character no bundled font has: a plain
    WeasyPrint render draws it from that font, the documents' renderer does not (.notdef)."""
    fonts_dir = tmp_path / "host-fonts"
    fonts_dir.mkdir()
    _host_font(fonts_dir)
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{fonts_dir}</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
        "</fontconfig>\n", "utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    body = f"<p>Devanagari {DEVANAGARI}, Korean {KOREAN}, Chinese {CHINESE}</p>"

    control = _fonts(render_bare(_html(body), templates_dir().as_uri() + "/"))
    assert any(f["family"] == "Host Only Test" for f in control.values()), control  # the test bites
    assert _drawn_by(control, DEVANAGARI)

    fonts = _fonts(_render(body))
    assert {f["family"] for f in fonts.values()} <= BUNDLED_FAMILIES, fonts
    assert not _drawn_by(fonts, DEVANAGARI)  # drawn as .notdef of a bundled font
    assert all(_drawn_by(fonts, c) for c in "생성人工")
    import os

    assert os.environ["FONTCONFIG_FILE"] == str(conf)  # the renderer put the variable back


def test_native_script_pdfs_are_byte_reproducible() -> None:
    body = f"<p>{KOREAN}</p><p>{CHINESE}</p><p>{DEVANAGARI}</p>"
    first, second = _render(body), _render(body)
    assert first == second
    # and in a fresh process (fontconfig and WeasyPrint state are per process)
    script = (
        "import datetime as dt, sys\n"
        "from compliance.documents.pdf import render_pdf\n"
        "from compliance.paths import templates_dir\n"
        "html = sys.stdin.read()\n"
        "sys.stdout.buffer.write(render_pdf(html, roots=[templates_dir()],"
        f" as_of=dt.date({AS_OF.year}, {AS_OF.month}, {AS_OF.day})).pdf)\n")
    fresh = subprocess.run([sys.executable, "-c", script], input=_html(body).encode("utf-8"),
                           capture_output=True, check=True, cwd=ROOT).stdout
    assert hashlib.sha256(fresh).hexdigest() == hashlib.sha256(first).hexdigest()


def test_the_bundled_cjk_font_covers_hangul_and_common_han() -> None:
    font = TTFont(str(CJK_FONT))
    cmap = font.getBestCmap()
    assert all(c in cmap for c in range(0xAC00, 0xD7A4))  # every Hangul syllable
    gb2312 = set()
    for hi in range(0xB0, 0xF8):  # the Hanzi rows of GB 2312 (levels 1 and 2)
        for lo in range(0xA1, 0xFF):
            try:
                gb2312.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    assert len(gb2312) == 6763 and gb2312 <= set(cmap)
    assert {ord(c) for c in "，。、：；「」《》ㆍ"} <= set(cmap)  # CJK punctuation, Korean middle dot
    assert font["name"].getDebugName(1) == "Noto Sans CJK SC"
    assert "Open Font License" in (font["name"].getDebugName(13) or "")
    # the README records the file it describes, the licence is next to it
    readme = (FONTS / "README.md").read_text("utf-8")
    assert hashlib.sha256(CJK_FONT.read_bytes()).hexdigest() in readme
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONTS / "OFL.txt").read_text("utf-8")


def test_every_font_rule_of_the_stylesheet_falls_back_to_the_cjk_font() -> None:
    """A rule naming a document family without "Doc CJK Sans" after it would draw Hangul and Han
    in that rule's elements from no font (.notdef boxes)."""
    css = re.sub(r"/\*.*?\*/", "", (templates_dir() / "base" / "print.css").read_text("utf-8"),
                 flags=re.S)
    css = re.sub(r"@font-face\s*\{[^}]*\}", "", css)
    uses = re.findall(r"(?:font-family|font)\s*:\s*([^;}]*)", css)
    named = [u for u in uses if re.search(r'"Doc (Sans|Serif|Mono)"', u)]
    assert len(named) > 10
    assert [u for u in named if not re.search(r'"Doc (Sans|Serif|Mono)", "Doc CJK Sans"', u)] == []
    assert '@font-face { font-family: "Doc CJK Sans"; src: url("fonts/' + CJK_FONT.name in (
        templates_dir() / "base" / "print.css").read_text("utf-8")


def _lines(ctx: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    stack = list(ctx["sections"])
    while stack:
        section = stack.pop()
        stack.extend(section["children"])
        out.update({f["id"]: f["lines"] for f in section["fields"]})
    return out


def test_korean_and_chinese_notices_carry_the_label_strings(tmp_path: Path) -> None:
    """The notices give the required words in Korean and Chinese (from the sections files),
    next to their English rendering."""
    from compliance.documents.context import PackInfo
    from compliance.documents.pack import assess_descriptor, load_descriptor, render_documents

    source = ROOT / "examples" / "frontier-model-provider.yaml"
    descriptor = load_descriptor(source)
    assessment = json.loads(json.dumps(assess_descriptor(descriptor, AS_OF), default=str))
    info = PackInfo(as_of=AS_OF, descriptor_sha256="0" * 64, descriptor_name=source.name,
                    descriptor_dir=source.parent, tool_version="test", rules_version="test")
    _, rendered = render_documents(descriptor, assessment, info, None)
    contexts = {doc.decision.spec.key: doc.context for doc in rendered}

    kr = _lines(contexts["kr_labelling_notice"])
    assert kr["kr_labelling_notice.art_31_1.generative.ko"] == [
        "제품 또는 서비스가 생성형 인공지능에 기반하여 운용된다는 사실"]
    assert kr["kr_labelling_notice.art_31_1.generative"] == [
        "The product or service is operated on the basis of generative AI."]
    assert kr["kr_labelling_notice.art_31_2.content.ko"] == [
        "그 결과물이 생성형 인공지능에 의하여 생성되었다는 사실"]
    assert kr["kr_labelling_notice.art_31_2.content"] == ["The output was generated by generative AI."]

    cn = _lines(contexts["cn_labelling_notice"])
    assert cn["cn_labelling_notice.art_4.words.ai"] == ["人工智能 / AI"]
    assert cn["cn_labelling_notice.art_4.words.generation"] == ["生成 / 合成"]
    assert cn["cn_labelling_notice.art_4.words.example"] == ["人工智能生成"]
    # the English rendering beside each: in the field's label
    cn_fields = {f["id"]: f for s in contexts["cn_labelling_notice"]["sections"] for f in s["fields"]}
    assert '人工智能 — "artificial intelligence"' in cn_fields["cn_labelling_notice.art_4.words.ai"]["label"]
    assert '生成 — "generated"; 合成 — "synthesised"' in cn_fields[
        "cn_labelling_notice.art_4.words.generation"]["label"]
    assert "the Chinese term for" not in contexts["cn_labelling_notice"]["sections"][1]["intro"]

    # the strings are data (the sections files), not code
    for path in (ROOT / "templates" / "kr" / "ai_basic_act" / "labelling_notice.sections.yaml",
                 ROOT / "templates" / "cn" / "labelling_measures" / "labelling_notice.sections.yaml"):
        assert yaml.safe_load(path.read_text("utf-8"))["sections"]
    code = "".join(p.read_text("utf-8") for p in (ROOT / "compliance").rglob("*.py"))
    assert "인공지능" not in code and "人工智能" not in code
