#!/usr/bin/env python3
"""The installed product as users meet it: wheel size, then the real pre-commit hook on one
descriptor in a throwaway repository, whole processes (pre-commit and the hook it starts).

- cold: a fresh PRE_COMMIT_HOME per run: pre-commit clones this working tree and builds the
  hook's environment (reported apart, median and spread of --cold-runs);
- warm: the hook environment built, interleaved run by run with the anchor: pre-commit running a
  local hook that only starts Python (`python -c pass`), the floor any Python hook pays.

No target; the ratio warm / anchor is what the hook costs over the floor. Not a test: prints a
table.

    .venv/bin/python benchmarks/bench_install.py [--runs 5] [--cold-runs 3]

Cold runs install the hook's dependencies with pip: with them in pip's cache (as after
`.ci/setup`) they measure building the environment, not downloading WeasyPrint; without a cache
they need the network.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import zipfile

from _harness import ROOT, Bench, Command, Row, python, spread, table

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args()
    git = shutil.which("git")
    if git is None:
        sys.exit("git is not installed")
    with Bench("pre-commit hook compliance-validate on one descriptor, vs a hook that only "
               "starts Python", args.runs) as bench:
        tmp = bench.work
        source = _worktree_copy(tmp / "source")
        subprocess.run(python("-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",  # noqa: S603 - fixed arguments
                              "-w", str(tmp / "wheel"), str(source)), check=True)
        (wheel,) = (tmp / "wheel").glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            count = len(archive.namelist())
        print(f"  wheel: {wheel.name}  {wheel.stat().st_size / 1e6:.2f} MB, {count} files")

        rev = subprocess.run([git, "rev-parse", "HEAD"], cwd=source, capture_output=True,  # noqa: S603 - fixed arguments
                             text=True, check=True).stdout.strip()
        repo = tmp / "user"
        (repo / "ai-systems").mkdir(parents=True)
        shutil.copy(ROOT / "examples" / "customer-service-chatbot.yaml", repo / "ai-systems")
        shutil.copytree(ROOT / "examples" / "evidence", repo / "ai-systems" / "evidence")
        (repo / ".pre-commit-config.yaml").write_text(
            HOOK.format(repo=source, rev=rev, python=sys.executable), "utf-8")
        subprocess.run([git, "init", "-q"], cwd=repo, check=True)  # noqa: S603 - fixed arguments
        subprocess.run([git, "add", "-A"], cwd=repo, check=True)  # noqa: S603 - fixed arguments

        # the hook runs as in a user's repository: no COMPLIANCE_* settings of this shell
        for name in [name for name in bench.env if name.startswith("COMPLIANCE_")]:
            del bench.env[name]
        base = python("-m", "pre_commit", "run", "--all-files")
        hook = Command("pre-commit, compliance-validate", [*base, "compliance-validate"],
                       cwd=repo)
        cold = [bench.launcher.run(hook, {**bench.cache_env(),
                                          "PRE_COMMIT_HOME": str(tmp / f"home-{i}")})
                for i in range(args.cold_runs)]
        bench.env["PRE_COMMIT_HOME"] = str(tmp / "home-0")
        anchor, warm = bench.measure([
            Command("pre-commit, anchor hook (python -c pass)", [*base, "anchor"], cwd=repo),
            Command("pre-commit, compliance-validate (warm)", hook.argv, cwd=repo)])
        print(f"  cold first run (fresh PRE_COMMIT_HOME, {len(cold)} runs): "
              f"CPU {spread([s.cpu for s in cold], 2)} s, wall {spread([s.wall for s in cold], 2)} s")
        print(table([Row(anchor, anchor), Row(warm, anchor)],
                    "pre-commit running a hook that only starts Python"))


if __name__ == "__main__":
    main()
