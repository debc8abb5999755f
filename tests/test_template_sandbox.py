"""Templates are data, not code: a shared ``--templates`` folder cannot run commands, reach Python
internals or read files outside the template folders, and every template failure is a located
user error (file and line, exit 1, no traceback)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from compliance.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "customer-service-chatbot.yaml"  # small: transparency report + index
SYSTEM_ID = "fiora-assistant"
AS_OF = "2027-12-02"
REPORT = "eu/ai_act/transparency_report.html.j2"
INDEX = "base/index.html.j2"
PAYLOAD_LINE = 4
OUTSIDE_TEXT = "TEXT-FROM-OUTSIDE-THE-TEMPLATE-FOLDER"
LEAKS = ("uid=", "root:x:0:0", OUTSIDE_TEXT, "<class ", "__builtins__", "subprocess")


def report_override(payload: str) -> str:
    """A transparency report whose body holds ``payload`` on line PAYLOAD_LINE."""
    return (
        '{% extends "base/layout.html.j2" %}\n'
        "{% block body %}\n"
        "<p>Custom report</p>\n"
        f"{payload}\n"
        "{% endblock %}\n"
    )


class Build:
    def __init__(self, code: int, out: str, err: str, out_dir: Path) -> None:
        self.code, self.out, self.err, self.out_dir = code, out, err, out_dir

    @property
    def text(self) -> str:
        written = "".join(
            p.read_text("utf-8", errors="replace") for p in self.out_dir.rglob("*") if p.is_file()
        ) if self.out_dir.exists() else ""
        return self.out + self.err + written


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with an empty ``templates/`` folder and a secret file beside it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "secret.html.j2").write_text(f"{OUTSIDE_TEXT}\n{{% macro x() %}}{OUTSIDE_TEXT}{{% endmacro %}}\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.html.j2").write_text(OUTSIDE_TEXT)
    return tmp_path


def write(work: Path, name: str, text: str) -> Path:
    path = work / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def link(work: Path, name: str, target: Path) -> None:
    path = work / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def build(work: Path, capsys: pytest.CaptureFixture[str], fmt: str = "html") -> Build:
    out_dir = work / "out"
    with pytest.raises(SystemExit) as exit_info:
        main(["build", str(EXAMPLE), "-o", str(out_dir), "--as-of", AS_OF, "--format", fmt,
              "--templates", "templates"])
    captured = capsys.readouterr()
    code = exit_info.value.code
    return Build(code if isinstance(code, int) else 1, captured.out, captured.err, out_dir)


def assert_refused(result: Build, work: Path, location: str, *fragments: str) -> None:
    """Exit 1, one located message, no traceback, no pack, nothing leaked, nothing run."""
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.out + result.err
    assert "internal error" not in result.err
    assert f"error: {EXAMPLE}: {location}: template error: " in result.err, result.err
    assert "  hint: " in result.err
    for fragment in fragments:
        assert fragment in result.err, result.err
    assert not (result.out_dir / SYSTEM_ID).exists()  # a failed build writes no pack
    for leak in LEAKS:
        assert leak not in result.text, leak
    assert not (work / "PWNED").exists()


# --------------------------------------------------------------------------- the sandbox

UNSAFE = "is unsafe"
SANDBOX_PAYLOADS = {
    "cycler-popen": "{{ cycler.__init__.__globals__.os.popen('id > PWNED; id').read() }}",
    "mro-subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "self-globals": "{{ self.__init__.__globals__ }}",
    "str-mro": "{{ ''.__class__.__mro__ }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].popen('id > PWNED').read() }}",
    "namespace-globals": "{{ namespace.__init__.__globals__ }}",
    "for-subclasses": "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "joiner-globals": "{{ joiner.__init__.__globals__ }}",
    "range-class": "{{ range.__class__ }}",
    "attr-filter": "{{ ''|attr('__class__') }}",
    "attr-filter-chain": "{{ (''|attr('__class__')|attr('__base__')|attr('__subclasses__'))() }}",
    "map-attribute": "{{ [1]|map(attribute='__class__')|list }}",
    "sort-attribute": "{{ [1, 2]|sort(attribute='__class__') }}",
    "format-attribute": "{{ '{0.__class__.__mro__}'.format('') }}",
    "format-map": "{{ '{x.__globals__}'.format_map({'x': cycler.reset}) }}",
    "type-mro": "{{ dict.mro() }}",
    "dict-subscript-dunder": "{{ cycler['__init__'] }}",
    "loop-internals": "{% for x in [1] %}{{ loop.__class__ }}{% endfor %}",
    "macro-internals": "{% macro m() %}{% endmacro %}{{ m._func.__globals__ }}",
    "context-mutation": "{{ doc.obligations.clear() }}",
    "context-update": "{{ meta.update({'system_name': 'forged'}) }}",
    "func-code": "{{ cycler(1, 2).reset.__func__.__code__ }}",
}


@pytest.mark.parametrize("payload", list(SANDBOX_PAYLOADS.values()), ids=list(SANDBOX_PAYLOADS))
def test_sandbox_refuses_python_internals(
    work: Path, capsys: pytest.CaptureFixture[str], payload: str
) -> None:
    write(work, REPORT, report_override(payload))
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:{PAYLOAD_LINE}", UNSAFE,
                   "templates run in a sandbox")


UNDEFINED_PAYLOADS = {
    "config": "{{ config }}",
    "config-items": "{{ config.items() }}",
    "request": "{{ request.application.__globals__ }}",
    "os": "{{ os.popen('id').read() }}",
    "import": "{{ __import__('os').popen('id').read() }}",
    "environ": "{{ environ }}",
}


@pytest.mark.parametrize("payload", list(UNDEFINED_PAYLOADS.values()), ids=list(UNDEFINED_PAYLOADS))
def test_unknown_globals_are_undefined(
    work: Path, capsys: pytest.CaptureFixture[str], payload: str
) -> None:
    write(work, REPORT, report_override(payload))
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:{PAYLOAD_LINE}", "is undefined")


def test_payload_in_the_index_page_is_located(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The index is rendered after the documents, by build_pack itself: same located error."""
    write(work, INDEX, "<p>line one</p>\n{{ cycler.__init__.__globals__.os.popen('id > PWNED').read() }}\n")
    assert_refused(build(work, capsys), work, f"templates/{INDEX}:2",
                   "access to attribute '__init__' of 'type' object is unsafe")


def test_huge_range_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, REPORT, report_override("{{ range(10 ** 9)|list|length }}"))
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:{PAYLOAD_LINE}", "MAX_RANGE")


# --------------------------------------------------------------------------- the loader

def test_dotdot_include_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, REPORT, report_override("{% include '../../etc/passwd' %}"))
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:{PAYLOAD_LINE}",
                   "'..' leaves the template folder", "no '..' that leaves it")


@pytest.mark.parametrize("statement", [
    "{% include '../secret.html.j2' %}",
    "{% include 'base/../../secret.html.j2' %}",
    "{% import '../secret.html.j2' as s %}{{ s.x() }}",
    "{% from 'eu/../../secret.html.j2' import x %}{{ x() }}",
    "{% include ['nope.html.j2', '../secret.html.j2'] %}",
    "{% include '../secret.html.j2' ignore missing %}",
])
def test_dotdot_escapes_are_refused(
    work: Path, capsys: pytest.CaptureFixture[str], statement: str
) -> None:
    write(work, REPORT, report_override(statement))
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:{PAYLOAD_LINE}",
                   "'..' leaves the template folder")


def test_dotdot_extends_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, REPORT, "<p>one</p>\n{% extends 'eu/../../secret.html.j2' %}\n")
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:2",
                   "'..' leaves the template folder")


def test_absolute_name_is_looked_up_inside_the_folders(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, REPORT, report_override("{% include '/etc/passwd' %}"))
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:{PAYLOAD_LINE}",
                   "template '/etc/passwd' not found")


@pytest.mark.parametrize("statement", [
    "{% include 'link' %}",
    "{% import 'link' as p %}",
    "{% from 'link' import x %}",
    "{% include 'outside-link.html.j2' %}",
    "{% import 'outside-link.html.j2' as s %}{{ s.x() }}",
    "{% include 'linkdir/secret.html.j2' %}",
    "{% include 'base/passwd.css' %}",
])
def test_symlink_escapes_are_refused(
    work: Path, capsys: pytest.CaptureFixture[str], statement: str
) -> None:
    link(work, "link", Path("/etc/passwd"))
    link(work, "outside-link.html.j2", work / "secret.html.j2")
    link(work, "linkdir", work / "outside")
    link(work, "base/passwd.css", Path("/etc/passwd"))
    write(work, REPORT, report_override(statement))
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:{PAYLOAD_LINE}",
                   "outside the template folder templates", "no symlink that leads out")


def test_symlink_extends_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link(work, "evil.html.j2", work / "secret.html.j2")
    write(work, REPORT, "{% extends 'evil.html.j2' %}\n")
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:1",
                   "templates/evil.html.j2 leads to", "outside the template folder")


def test_overriding_template_that_is_a_symlink_out_is_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link(work, REPORT, Path("/etc/passwd"))
    result = build(work, capsys)
    assert_refused(result, work, REPORT,
                   f"templates/{REPORT} leads to /etc/passwd, outside the template folder")


def test_symlink_into_the_bundled_templates_is_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each root confines its own files: the user's folder may not point into another one."""
    link(work, REPORT, ROOT / "templates" / "eu" / "ai_act" / "annex_iv.html.j2")
    assert_refused(build(work, capsys), work, REPORT, "outside the template folder templates")


def test_dangling_symlink_out_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link(work, "gone.html.j2", work / "no-such-file")
    write(work, REPORT, report_override("{% include 'gone.html.j2' %}"))
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:{PAYLOAD_LINE}",
                   "outside the template folder")


# --------------------------------------------------------------------------- located errors

def test_syntax_error_is_located(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, REPORT, report_override("{% if %}yes{% endif %}"))
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:{PAYLOAD_LINE}",
                   "fix the Jinja syntax")


def test_syntax_error_in_included_file_names_that_file(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "eu/partial.html.j2", "<p>ok</p>\n<p>{{ doc.title }</p>\n")
    write(work, REPORT, report_override("{% include 'eu/partial.html.j2' %}"))
    assert_refused(build(work, capsys), work, "templates/eu/partial.html.j2:2")


def test_undefined_variable_is_located(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, REPORT, report_override("{{ doc.no_such_key }}"))
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:{PAYLOAD_LINE}",
                   "has no attribute 'no_such_key'")


def test_runtime_exception_is_located(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, REPORT, report_override("{{ 1 / 0 }}"))
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:{PAYLOAD_LINE}",
                   "ZeroDivisionError: division by zero")


def test_missing_include_is_located(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, REPORT, report_override("{% include 'eu/nope.html.j2' %}"))
    assert_refused(build(work, capsys), work, f"templates/{REPORT}:{PAYLOAD_LINE}",
                   "template 'eu/nope.html.j2' not found")


def test_error_in_a_macro_names_the_macro_file(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, "eu/macros.html.j2", "{% macro boom() %}\n\n{{ ''.__class__ }}\n{% endmacro %}\n")
    write(work, REPORT, report_override("{% import 'eu/macros.html.j2' as mm %}{{ mm.boom() }}"))
    assert_refused(build(work, capsys), work, "templates/eu/macros.html.j2:3", UNSAFE)


# --------------------------------------------------------------------------- legitimate use

def test_legitimate_override_still_renders(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Overrides may extend, import and include (also through `..` and symlinks that stay inside
    their folder) and use the ordinary template tools."""
    write(work, "org/partial.html.j2", "<p class=\"org\">Reviewed by {{ meta.organisation }}</p>\n")
    link(work, "org/alias.html.j2", Path("partial.html.j2"))  # relative, stays inside
    write(work, REPORT, report_override(
        "{% import 'base/macros.html.j2' as bm %}"
        "{% include 'org/alias.html.j2' %}{% include 'eu/../org/partial.html.j2' %}"
        "{% set ns = namespace(n=0) %}{% for o in doc.obligations %}{% set ns.n = ns.n + 1 %}"
        "{% endfor %}<p>ORG OVERRIDE {{ ns.n }} {{ meta.system_id|upper }} "
        "{{ doc.stem|anchor }} {{ '%s-%s'|format('a', 'b') }} {{ '{}!'.format('ok') }}</p>"
    ))
    write(work, INDEX, "<h1>ORG INDEX {{ system.name }}</h1>\n"
                       "{% for d in documents %}<p>{{ loop.index }} {{ d.title }}</p>{% endfor %}\n")
    result = build(work, capsys)
    assert result.code == 0, result.err
    pack = work / "out" / SYSTEM_ID
    report = (pack / "transparency-report.html").read_text("utf-8")
    assert "ORG OVERRIDE" in report and f"{SYSTEM_ID.upper()}" in report
    assert "a-b ok!" in report
    assert report.count('<p class="org">Reviewed by') == 2
    index = (pack / "index.html").read_text("utf-8")
    assert "ORG INDEX" in index and "1 Transparency report" in index


def test_descriptor_values_are_escaped_not_evaluated(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value that looks like a template is printed literally (templates are compiled from
    the template folders only, never from data)."""
    text = EXAMPLE.read_text("utf-8")
    assert "\n  name: " in text
    descriptor = work / "sys.yaml"
    descriptor.write_text(text.replace(
        "\n  name: ", "\n  name: \"{{ cycler.__init__.__globals__.os.popen('id').read() }}<b>\" # ", 1))
    with pytest.raises(SystemExit) as exit_info:
        main(["build", str(descriptor), "-o", "out", "--as-of", AS_OF, "--format", "html"])
    captured = capsys.readouterr()
    assert exit_info.value.code == 0, captured.err
    report = (work / "out" / SYSTEM_ID / "transparency-report.html").read_text("utf-8")
    assert "{{ cycler.__init__.__globals__.os.popen(&#39;id&#39;).read() }}&lt;b&gt;" in report
    assert "uid=" not in report


# --------------------------------------------------------------------------- loader unit tests

def test_loader_confines_names_and_symlinks(tmp_path: Path) -> None:
    import jinja2

    from compliance.documents.environment import ConfinedLoader, TemplatePathRefused

    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "t.j2").write_text("T")
    (tmp_path / "x.j2").write_text("X")
    (root / "in.j2").symlink_to(root / "a" / "t.j2")
    (root / "out.j2").symlink_to(tmp_path / "x.j2")
    loader = ConfinedLoader([root])
    env = jinja2.Environment(loader=loader, autoescape=True)
    assert loader.get_source(env, "a/t.j2")[0] == "T"
    assert loader.get_source(env, "./a//t.j2")[0] == "T"
    assert loader.get_source(env, "a/../a/t.j2")[0] == "T"
    assert loader.get_source(env, "in.j2")[0] == "T"
    assert loader.get_source(env, "/a/t.j2")[0] == "T"  # relative to the root, not /
    for name in ("../x.j2", "a/../../x.j2", "a/../../root/a/t.j2", "..", "out.j2"):
        with pytest.raises(TemplatePathRefused):
            loader.get_source(env, name)
    for name in ("", "a", "missing.j2", f"{tmp_path}/x.j2"):
        with pytest.raises(jinja2.TemplateNotFound):
            loader.get_source(env, name)


def test_bundled_templates_render_in_the_sandbox() -> None:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from compliance.documents.environment import make_environment

    env = make_environment(None)
    assert isinstance(env, ImmutableSandboxedEnvironment)
    assert env.autoescape is True


# --------------------------------------------------------------------------- the PDF fetcher

def test_pdf_fetcher_serves_only_files_inside_the_template_folders(tmp_path: Path) -> None:
    from compliance.documents.environment import template_dirs
    from compliance.documents.pdf import RefusedURL, SafeFetcher, render_pdf

    user = tmp_path / "templates"
    (user / "org").mkdir(parents=True)
    (user / "org" / "ok.css").write_text("p { color: #123456 }")
    (tmp_path / "secret.css").write_text(f"/* {OUTSIDE_TEXT} */")
    (user / "org" / "passwd.css").symlink_to("/etc/passwd")
    (user / "org" / "secret.css").symlink_to(tmp_path / "secret.css")
    (user / "org" / "linkdir").symlink_to(tmp_path)
    roots = template_dirs(user)
    fetcher = SafeFetcher(roots)
    base = user.resolve().as_uri()
    assert fetcher._locate(f"{base}/org/ok.css") == (user / "org" / "ok.css").resolve()
    # a relative reference resolved against the bundled folder finds the user's override
    assert fetcher._locate(f"{roots[-1].as_uri()}/org/ok.css") == (user / "org" / "ok.css").resolve()
    hostile = [
        f"{base}/org/passwd.css", f"{base}/org/secret.css", f"{base}/org/linkdir/secret.css",
        f"{base}/../secret.css", f"{base}/org/%2e%2e/%2e%2e/secret.css", f"{base}/../../../etc/passwd",
        (tmp_path / "secret.css").as_uri(), "file:///etc/passwd", "file://localhost/etc/passwd",
        f"file://evil.example{(user / 'org' / 'ok.css').resolve()}", "http://127.0.0.1:9/x.css",
        "https://example.com/x.css", "ftp://127.0.0.1/x", "data:text/css,p{}", "jar:file:///x!/y",
    ]
    for url in hostile:
        with pytest.raises(RefusedURL):
            fetcher._locate(url)

    html = (
        '<html><head><link rel="stylesheet" href="org/ok.css">'
        '<link rel="stylesheet" href="org/passwd.css"><link rel="stylesheet" href="org/secret.css">'
        f'<link rel="stylesheet" href="{base}/org/linkdir/secret.css">'
        '<style>@import url("../../../../etc/passwd");</style></head>'
        '<body><img src="org/passwd.css"><p>text</p>'
        f'<a rel="attachment" href="{(tmp_path / "secret.css").as_uri()}">a</a></body></html>'
    )
    result = render_pdf(html, roots=roots, as_of=dt.date(2027, 12, 2), variant=None)
    refused = " ".join(result.refused)
    for name in ("org/passwd.css", "org/secret.css", "linkdir/secret.css", "etc/passwd"):
        assert name in refused, name
    assert "ok.css" not in refused
    assert OUTSIDE_TEXT.encode() not in result.pdf and b"root:x:0:0" not in result.pdf
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(result.pdf)).pages)
    assert OUTSIDE_TEXT not in text and "root:" not in text
