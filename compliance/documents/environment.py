"""The Jinja environment: sandboxed, autoescaped, strict, and searching the user's templates first.

Templates are data, not code. Organisations share template folders, so a template is treated
like any other input:

* It renders in Jinja's immutable sandbox: it can print, loop over and test the values it is
  given, but not reach Python internals (``__class__``, ``__globals__``, ...), call anything that
  reads files or the environment, or modify its context.
* It loads (``include``, ``import``, ``extends``) only files inside a template folder: a name
  whose ``..`` leaves the folder, or a symlink whose target lies outside it, is refused.
* Everything it prints comes from the descriptor or the rule data and is escaped; nothing is
  marked safe, except by the ``links`` filter (:func:`links`), which escapes its whole input and
  wraps only the plain ``http(s)`` URLs in it in ``<a href>`` (a link annotation in the PDF; the
  renderer fetches nothing). A variable the context does not have fails the build
  (``StrictUndefined``) instead of printing an empty string.
* Its output, values and the template's own text alike, shows control and bidi-override
  characters as visible escapes (``\\u202e``), so no line of a document can be reordered.

Any failure while loading or rendering a template (syntax error, undefined variable, sandbox
refusal, refused path, an exception raised by an expression) becomes one
:class:`compliance.errors.TemplateError` that names the template file and line, raised by the
templates themselves (:meth:`_Template.render`, :meth:`_Environment.get_template`), so every
caller gets the same located message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, MutableMapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from compliance.errors import ComplianceError, ExitCode, MissingDataError, TemplateError
from compliance.io.textsafe import inert_html
from compliance.paths import require_templates, templates_dir

#: The templates shipped with the tool (``compliance.paths.templates_dir()``), unless
#: ``COMPLIANCE_TEMPLATES_DIR`` names another bundled copy.
BUNDLED_TEMPLATES = Path(os.environ.get("COMPLIANCE_TEMPLATES_DIR") or templates_dir())


def template_dirs(user_dir: Path | None) -> list[Path]:
    """Search order: the user's ``--templates`` directory, then the bundled templates."""
    dirs = [user_dir.resolve()] if user_dir is not None else []
    return [*dirs, require_templates(BUNDLED_TEMPLATES).resolve()]


def find_file(relative: str, user_dir: Path | None) -> Path:
    """First match of ``relative`` in the search path (for non-template files)."""
    for base in template_dirs(user_dir):
        candidate = (base / relative).resolve()
        if candidate.is_relative_to(base) and candidate.is_file():
            return candidate
    raise MissingDataError(
        f"template file not found: {relative} (looked in "
        f"{', '.join(map(str, template_dirs(user_dir)))})",
        "reinstall the package, or add the file to your --templates folder")


class TemplatePathRefused(jinja2.exceptions.SecurityError):
    """A template name that leaves its template folder, or a symlink that leads out of it."""


class ConfinedLoader(jinja2.BaseLoader):
    """Loads templates from ``roots`` (first match wins), never from outside them.

    A name is split on ``/``; ``.`` and empty segments are dropped and ``..`` removes the segment
    before it, so ``eu/../base/x.html.j2`` is ``base/x.html.j2`` but ``../x`` (or ``a/../../x``)
    is refused. The file found is resolved (symlinks followed) and refused unless it still lies
    inside the root it was found in: a template folder cannot smuggle in ``/etc/passwd`` through
    a symlink. A refusal is an error, not a fall-through to the next root.
    """

    def __init__(self, roots: Sequence[Path], encoding: str = "utf-8") -> None:
        self.roots = [Path(r).resolve() for r in roots]
        self.encoding = encoding

    @staticmethod
    def _pieces(name: str) -> list[str]:
        pieces: list[str] = []
        for piece in name.replace("\\", "/").split("/"):
            if piece in ("", "."):
                continue
            if piece == "..":
                if not pieces:
                    raise TemplatePathRefused(
                        f"refused to load template {name!r}: '..' leaves the template folder")
                pieces.pop()
            elif "\0" in piece:
                raise jinja2.TemplateNotFound(name)
            else:
                pieces.append(piece)
        if not pieces:
            raise jinja2.TemplateNotFound(name)
        return pieces

    def locate(self, name: str) -> tuple[Path, Path]:
        """``(path as found in its root, resolved path)`` of template ``name``."""
        pieces = self._pieces(name)
        for root in self.roots:
            candidate = root.joinpath(*pieces)
            if not os.path.lexists(candidate):
                continue
            resolved = candidate.resolve()
            if not resolved.is_relative_to(root):
                raise TemplatePathRefused(
                    f"refused to load template {name!r}: {_display(candidate)} leads to "
                    f"{resolved}, outside the template folder {_display(root)}")
            if resolved.is_file():
                return candidate, resolved
        raise jinja2.TemplateNotFound(
            name, f"template {name!r} not found in {', '.join(map(_display, self.roots))}")

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        found, resolved = self.locate(template)
        source = resolved.read_text(encoding=self.encoding)
        mtime = resolved.stat().st_mtime

        def uptodate() -> bool:
            try:
                return found.resolve() == resolved and resolved.stat().st_mtime == mtime
            except OSError:
                return False

        return source, str(found), uptodate


def _display(path: str | Path) -> str:
    """``path`` relative to the working directory when it lies below it, else absolute."""
    absolute = Path(path).absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def _template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """File and line of the innermost template frame of a traceback Jinja has rewritten."""
    where = None
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:  # jinja2.debug.fake_traceback
            where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return where


_HINTS: tuple[tuple[type[BaseException], str], ...] = (
    (TemplatePathRefused, "templates may include, import and extend only files inside their "
                          "template folder: no '..' that leaves it, no symlink that leads out"),
    (jinja2.exceptions.SecurityError, "templates run in a sandbox: they can print the values they "
                                      "are given, not reach Python internals, files or the "
                                      "environment"),
    (jinja2.TemplateSyntaxError, "fix the Jinja syntax at that line"),
    (jinja2.TemplateNotFound, "name templates relative to a template folder, e.g. "
                              "'base/macros.html.j2'"),
    (jinja2.UndefinedError, "the template uses a variable or key its document does not provide; "
                            "compare with the bundled template of the same name"),
)


def _template_error(exc: Exception, fallback: str | None) -> TemplateError | None:
    """``exc``, raised while loading or rendering a template, as a located TemplateError.

    ``None`` when it is not a template's fault: not a Jinja error and raised outside any
    template frame (a bug of the caller, left to propagate as such).
    """
    location: str | None = None
    frame = _template_frame(exc.__traceback__)
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        location = f"{_display(exc.filename)}:{exc.lineno}"
    elif frame is not None:
        location = f"{_display(frame[0])}:{frame[1]}"
    elif not isinstance(exc, jinja2.TemplateError):
        return None
    elif fallback:
        location = _display(fallback) if os.path.isabs(fallback) else fallback
    if isinstance(exc, jinja2.TemplateError):
        detail = exc.message or (exc.name if isinstance(exc, jinja2.TemplateNotFound) else "")
        detail = str(detail or type(exc).__name__)
    else:
        detail = f"{type(exc).__name__}: {exc}"
    hint = next((h for kind, h in _HINTS if isinstance(exc, kind)),
                "an expression at that line of the template failed; fix the template")
    prefix = f"{location}: " if location else ""
    error = TemplateError(f"{prefix}template error: {detail.rstrip('.')}", hint)
    where = (exc.filename if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename
             else frame[0] if frame is not None else fallback)
    if where and Path(where).resolve().is_relative_to(BUNDLED_TEMPLATES.resolve()):
        # A bundled template failed: a defect of the installation or of the tool, not the user's.
        error.exit_code = ExitCode.INTERNAL
        error.hint = "a bundled template failed: reinstall the package, or report this as a bug"
    return error


class _Template(jinja2.Template):
    def render(self, *args: Any, **kwargs: Any) -> str:
        """The rendered text with every control and bidi-override character shown as an escape
        (:func:`compliance.io.textsafe.inert_html`): the one place where everything a template
        produces passes — values from input and the template's own text alike (custom templates
        are untrusted), for PDF and HTML renditions, pack and fleet pages."""
        try:
            return inert_html(super().render(*args, **kwargs))
        except ComplianceError:
            raise
        except Exception as exc:
            error = _template_error(exc, self.filename or self.name)
            if error is None:
                raise
            raise error from exc


class _Environment(ImmutableSandboxedEnvironment):
    """The sandbox whose templates report their failures as located TemplateErrors."""

    template_class = _Template

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        """Fail at once instead of returning an undefined value (which ``[x]|map(attribute=
        '__class__')|list`` would print as ``[Undefined]``): an unsafe access is an error."""
        raise jinja2.exceptions.SecurityError(
            f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe")

    def get_template(
        self,
        name: str | jinja2.Template,
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,  # noqa: A002 - Jinja's own name
    ) -> jinja2.Template:
        if parent is not None:  # include / import / extends: reported by the outer render
            return super().get_template(name, parent, globals)
        try:
            return super().get_template(name, parent, globals)
        except jinja2.TemplateNotFound as exc:
            # The tool asked for a document template that no folder holds.
            raise MissingDataError(
                f"template not found: {exc.name} (looked in "
                f"{', '.join(map(_display, getattr(self.loader, 'roots', [])))})",
                "reinstall the package (the wheel carries the templates)") from None
        except jinja2.TemplateError as exc:
            error = _template_error(exc, name if isinstance(name, str) else name.name)
            assert error is not None  # noqa: S101 - a TemplateError is always converted
            raise error from exc


#: A URL candidate: ``http://`` or ``https://`` up to the next white space.
_URL_CANDIDATE = re.compile(r"\bhttps?://\S+", re.IGNORECASE)
#: What a linked URL may consist of: printable ASCII that RFC 3986 allows, and a host.
_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*)?",
                  re.IGNORECASE)
#: Trailing characters that end the sentence around a URL rather than the URL itself.
_TRAILING = ".,;:!?'\""


def links(value: object) -> Markup:
    """``value`` as escaped text in which every plain ``http(s)`` URL is a link.

    The whole text is escaped; a URL is linked only when it is printable ASCII with a host
    (``https://example.org/x``), without the sentence punctuation that follows it (``.``, ``,``,
    an unbalanced ``)``). Anything else (another scheme, a URL with spaces, quotes or non-ASCII
    characters) stays plain text. The link's target is the URL as written, escaped: nothing is
    invented, shortened or resolved."""
    text = str(value)
    parts: list[str] = []
    end = 0
    for match in _URL_CANDIDATE.finditer(text):
        url = match.group(0)
        while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
            url = url[:-1]
        if not _URL.fullmatch(url):
            continue
        start = match.start()
        parts += [str(escape(text[end:start])),
                  f'<a href="{escape(url)}">{escape(url)}</a>']
        end = start + len(url)
    parts.append(str(escape(text[end:])))
    return Markup("".join(parts))  # noqa: S704 - every piece is escaped above


def make_environment(user_dir: Path | None = None) -> jinja2.Environment:
    env = _Environment(
        loader=ConfinedLoader(template_dirs(user_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["anchor"] = lambda value: str(value).replace(".", "-").replace("@", "-")
    env.filters["links"] = links
    return env
