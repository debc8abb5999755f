#!/usr/bin/env python3
"""The installed product as users meet it: wheel size, then the real pre-commit hook on one
descriptor in a throwaway repository — cold (a fresh PRE_COMMIT_HOME: pre-commit clones this
working tree and builds the hook environment) and warm — side by side with the anchor: pre-commit running
a local hook that only starts Python (`python -c pass`), the floor any Python hook pays. Whole
processes; median and spread (min-max) of N runs. Not a test: prints a table.

    .venv/bin/python benchmarks/bench_install.py [--runs 5] [--cold-runs 3]

Cold runs depend on pip's cache: with the dependencies cached (as after `.ci/setup`) they
measure building the hook's environment, not downloading WeasyPrint.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_installed import _worktree_copy  # noqa: E402 - the same snapshot the tests install

HOOK = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: compliance-validate
        files: ^ai-systems/.*\\.ya?ml$
        args: [--strict]
  - repo: local
    hooks:
      - id: anchor
        name: anchor (pre-commit + python start-up, no work)
        entry: {python} -c "pass"
        language: system
        files: ^ai-systems/.*\\.ya?ml$
"""


def _timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _summary(times: list[float]) -> str:
    return f"{statistics.median(times):7.2f} s  (spread {min(times):.2f}-{max(times):.2f}, n={len(times)})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        source = _worktree_copy(tmp / "source")
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                        "-q", "-w", str(tmp / "wheel"), str(source)], check=True)
        (wheel,) = (tmp / "wheel").glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            count = len(archive.namelist())
        print(f"wheel: {wheel.name}  {wheel.stat().st_size / 1e6:.2f} MB, {count} files")

        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True,
                             text=True, check=True).stdout.strip()
        repo = tmp / "user"
        (repo / "ai-systems").mkdir(parents=True)
        shutil.copy(ROOT / "examples" / "customer-service-chatbot.yaml", repo / "ai-systems")
        shutil.copytree(ROOT / "examples" / "evidence", repo / "ai-systems" / "evidence")
        (repo / ".pre-commit-config.yaml").write_text(
            HOOK.format(repo=source, rev=rev, python=sys.executable), "utf-8")
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)

        base = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
        cold = []
        for i in range(args.cold_runs):
            env["PRE_COMMIT_HOME"] = str(tmp / f"home-{i}")
            cold.append(_timed([*base, "compliance-validate"], repo, env))
        warm = [_timed([*base, "compliance-validate"], repo, env) for _ in range(args.runs)]
        anchor = [_timed([*base, "anchor"], repo, env) for _ in range(args.runs)]
        print(f"pre-commit, compliance-validate, cold first run: {_summary(cold)}")
        print(f"pre-commit, compliance-validate, warm:           {_summary(warm)}")
        print(f"pre-commit, anchor hook (no work), warm:         {_summary(anchor)}")
        print(f"warm hook / anchor: {statistics.median(warm) / statistics.median(anchor):.2f}x")


if __name__ == "__main__":
    main()
