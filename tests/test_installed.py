"""The product as users get it: the built wheel installed into a fresh virtual environment (not
editable) and run from a folder outside the repository, and the real pre-commit using this
repository as a hook source.

These tests build and install once per session (module-scoped fixtures); they need the package
index reachable the way `.ci/setup` does (pip resolves the wheel's dependencies, normally from
its cache). Set COMPLIANCE_SKIP_INSTALLED=1 to skip them on a machine without one.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "recruitment-screening-provider.yaml"
AS_OF = "2027-12-02"

pytestmark = [
    pytest.mark.installed,
    pytest.mark.skipif(os.environ.get("COMPLIANCE_SKIP_INSTALLED") == "1",
                       reason="COMPLIANCE_SKIP_INSTALLED=1"),
]


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run as a user would: by default in the user's environment (no PYTHONPATH or overrides of
    this checkout, which would put the checkout's own package first)."""
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env if env is not None else _clean_env(), check=False)


def _clean_env(**extra: str) -> dict[str, str]:
    """The user's environment: none of this checkout's overrides, no virtualenv of ours."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COMPLIANCE_", "PYTHON", "VIRTUAL_ENV", "PRE_COMMIT"))}
    env["XDG_CACHE_HOME"] = _USER_CACHE  # compiled rule data goes to the default place, of a throwaway user
    env.update(extra)
    return env


_USER_CACHE = tempfile.mkdtemp(prefix="compliance-installed-cache-")
atexit.register(shutil.rmtree, _USER_CACHE, True)


def _worktree_copy(dest: Path) -> Path:
    """This checkout's tracked and new (not ignored) files, committed into a fresh repository:
    what the tests install is the working tree, committed or not."""
    files = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if not source.is_file():
            continue  # deleted but still tracked
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid",
           "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=dest, check=True)
    subprocess.run([*git, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "snapshot"], cwd=dest, check=True)
    return dest


@pytest.fixture(scope="module")
def source_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _worktree_copy(tmp_path_factory.mktemp("source"))


@pytest.fixture(scope="module")
def wheel(source_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                   "-q", "-w", str(out), str(source_tree)], cwd=out, env=dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel (and its dependencies) installed; returns the
    `compliance` executable."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    result = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                   "--disable-pip-version-check", str(wheel)], cwd=venv, env=_clean_env())
    assert result.returncode == 0, result.stdout + result.stderr
    return venv / "bin" / "compliance"


@pytest.fixture()
def user_dir(tmp_path: Path) -> Path:
    """A user's folder outside the repository with one example and its evidence."""
    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    shutil.copytree(ROOT / "examples" / "evidence", tmp_path / "evidence")
    return tmp_path


def test_wheel_carries_the_law(wheel: Path) -> None:
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    for required in ("compliance/_data/jurisdictions/eu/jurisdiction.yaml",
                     "compliance/_data/jurisdictions/_licences/mit.yaml",
                     "compliance/_data/templates/base/layout.html.j2",
                     "compliance/_data/templates/base/fonts/DejaVuSans.ttf",
                     "compliance/_data/schemas/ai-system.schema.json",
                     "compliance/starters/high-risk-provider.yaml",
                     "compliance/py.typed"):
        assert required in names, required
    rules_in_checkout = len(list((ROOT / "jurisdictions").rglob("*.yaml")))
    rules_in_wheel = [n for n in names
                      if n.startswith("compliance/_data/jurisdictions/") and n.endswith(".yaml")]
    assert len(rules_in_wheel) == rules_in_checkout
    assert not [n for n in names if "/." in n or "__pycache__" in n]


def test_installed_obligations_equal_the_checkout(installed: Path, user_dir: Path) -> None:
    valid = _run([str(installed), "validate", "--strict", EXAMPLE.name], cwd=user_dir)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    got = _run([str(installed), "obligations", EXAMPLE.name, "--as-of", AS_OF,
                "--format", "json"], cwd=user_dir)
    assert got.returncode == 0, got.stderr
    want = _run([sys.executable, "-m", "compliance", "obligations", EXAMPLE.name,
                 "--as-of", AS_OF, "--format", "json"], cwd=user_dir, env=dict(os.environ))
    assert want.returncode == 0, want.stderr
    assert json.loads(got.stdout) == json.loads(want.stdout)
    verdicts = [o["verdict"] for j in json.loads(got.stdout)["jurisdictions"]
                for o in j["obligations"]]
    assert verdicts.count("applies") >= 10
    # the first run compiled the rule data into the user's cache; the next reads it, same bytes
    compiled = list(Path(_USER_CACHE, "compliance", "compiled").glob("rulebook-*.pickle"))
    assert len(compiled) == 1, compiled
    again = _run([str(installed), "obligations", EXAMPLE.name, "--as-of", AS_OF, "--format", "json"], cwd=user_dir)
    assert again.returncode == 0 and again.stdout == got.stdout


def test_installed_rules_lint_counts_every_rule(installed: Path, tmp_path: Path) -> None:
    result = _run([str(installed), "rules", "lint"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    from compliance.law.rulebook import rule_files

    count = len(rule_files(ROOT / "jurisdictions"))
    assert f"✓ {count} rules pass all checks" in result.stdout


def test_installed_build_from_any_folder(installed: Path, user_dir: Path) -> None:
    result = _run([str(installed), "build", EXAMPLE.name, "-o", "packs", "--as-of", AS_OF],
                  cwd=user_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    (pack,) = (user_dir / "packs").glob("*/manifest.json")
    manifest = json.loads(pack.read_text("utf-8"))
    pdfs = [f["path"] for f in manifest["files"] if f["path"].endswith(".pdf")]
    assert "annex-iv-technical-documentation.pdf" in pdfs
    assert all((pack.parent / name).stat().st_size > 10_000 for name in pdfs)


@pytest.fixture()
def broken_install(installed: Path) -> Path:
    """The installed rule data moved away for the test, put back afterwards."""
    site = next((installed.parent.parent / "lib").glob("python3*/site-packages"))
    data = site / "compliance" / "_data" / "jurisdictions"
    aside = data.with_name("jurisdictions.aside")
    data.rename(aside)
    try:
        yield data
    finally:
        aside.rename(data)


def test_installed_without_rule_data_fails_closed(installed: Path, broken_install: Path,
                                                  user_dir: Path) -> None:
    for args in (["obligations", EXAMPLE.name], ["validate", EXAMPLE.name], ["rules", "lint"],
                 ["build", EXAMPLE.name, "-o", "packs"], ["status", "."]):
        result = _run([str(installed), *args], cwd=user_dir)
        assert result.returncode == 3, (args, result.stdout, result.stderr)
        assert f"rule data not found: {broken_install}" in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert not (user_dir / "packs").exists() or not any((user_dir / "packs").iterdir())


# --------------------------------------------------------------------------- pre-commit

PRE_COMMIT_CONFIG = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: compliance-validate
        files: ^ai-systems/.*\\.ya?ml$
{strict}"""


@pytest.fixture(scope="module")
def hook_repo(source_tree: Path) -> tuple[Path, str]:
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source_tree, capture_output=True,
                         text=True, check=True).stdout.strip()
    return source_tree, rev


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _user_repo(path: Path, hook_repo: tuple[Path, str], descriptor: Path, *, strict: bool) -> Path:
    repo, rev = hook_repo
    (path / "ai-systems").mkdir(parents=True)
    shutil.copy(descriptor, path / "ai-systems" / descriptor.name)
    if descriptor.parent == ROOT / "examples":
        shutil.copytree(ROOT / "examples" / "evidence", path / "ai-systems" / "evidence")
    (path / ".pre-commit-config.yaml").write_text(PRE_COMMIT_CONFIG.format(
        repo=repo, rev=rev, strict="        args: [--strict]\n" if strict else ""), "utf-8")
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=path, check=True)
    return path


def _pre_commit(repo: Path, home: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = _run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
                  cwd=repo, env=_clean_env(PRE_COMMIT_HOME=str(home)))
    return result, time.monotonic() - started


def test_pre_commit_hook_passes_a_valid_descriptor(tmp_path: Path, hook_repo: tuple[Path, str],
                                                   pre_commit_home: Path) -> None:
    repo = _user_repo(tmp_path, hook_repo, EXAMPLE, strict=True)
    result, _ = _pre_commit(repo, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "compliance validate" in result.stdout and "Passed" in result.stdout


def test_pre_commit_hook_fails_an_invalid_descriptor_with_its_location(
        tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    bad = tmp_path / "src" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text("schema_version: 1\norganisation:\n  name: X\n  rolez: [provider]\n"
                   "system: {id: s, name: S}\n", "utf-8")
    repo = _user_repo(tmp_path / "repo", hook_repo, bad, strict=False)
    result, _ = _pre_commit(repo, pre_commit_home)
    assert result.returncode == 1
    assert "ai-systems/bad.yaml:4:3: error: unknown key 'rolez'" in result.stdout


def test_pre_commit_strict_hook_runs_the_legal_checks(
        tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> None:
    """The legal-consistency checks are rule data: an installed hook without its data would pass
    this file silently."""
    case = ROOT / "examples" / "invalid" / "derogation-while-profiling.strict.yaml"
    lenient = _user_repo(tmp_path / "lenient", hook_repo, case, strict=False)
    result, _ = _pre_commit(lenient, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr  # a warning, not an error
    strict = _user_repo(tmp_path / "strict", hook_repo, case, strict=True)
    result, _ = _pre_commit(strict, pre_commit_home)
    assert result.returncode == 1
    assert "[eu.ai_act.derogation_while_profiling]" in result.stdout
