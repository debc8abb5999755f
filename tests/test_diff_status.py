"""`compliance diff` and `compliance status` as users run them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHATBOT = ROOT / "examples" / "customer-service-chatbot.yaml"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = CHATBOT.read_text("utf-8")
    assert old in text
    target = tmp_path / "chatbot.yaml"
    target.write_text(text.replace(old, new, 1), "utf-8")
    shutil.copytree(ROOT / "examples" / "evidence", tmp_path / "evidence", dirs_exist_ok=True)
    return target


def test_identical_descriptors_no_changes_exit_0() -> None:
    result = run("diff", str(CHATBOT), str(CHATBOT), "--as-of", "2026-11-25")
    assert result.returncode == 0, result.stderr
    assert "No changes" in result.stdout


def test_new_annex_iii_use_case_adds_obligations_exit_1(tmp_path: Path) -> None:
    # a chatbot placed on the market after the Annex III date that starts ranking job applicants
    changed = _variant(tmp_path, "      annex_iii: []", '      annex_iii: ["4(a)"]')
    # placed and put into service after the Annex III date, so Art. 111(2) does not shelter it
    def later(text: str) -> str:
        return (text.replace("eu_placed_on_market: 2025-11-03", "eu_placed_on_market: 2028-01-03")
                .replace("eu_put_into_service: 2025-11-03", "eu_put_into_service: 2028-01-03"))
    changed.write_text(later(changed.read_text("utf-8")))
    base = tmp_path / "base.yaml"
    base.write_text(later(CHATBOT.read_text("utf-8")))
    result = run("diff", str(base), str(changed), "--as-of", "2028-02-01", "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["new_obligations"] is True
    assert any(c["id"] == "eu.ai_act.high_risk" and c["new"] == "true" for c in data["classifications_changed"])
    added = {o["citation"] for o in data["obligations_added"]}
    assert "Art. 9(1)" in added and "Art. 43(2)" in added
    assert any(f["fact"].endswith(".annex_iii") for f in data["facts_changed"])


def test_diff_against_git_revision(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    target = repo / "ai-system.yaml"
    shutil.copy(CHATBOT, target)
    shutil.copytree(ROOT / "examples" / "evidence", repo / "evidence")
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.invalid", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    target.write_text(target.read_text("utf-8").replace("deep_fakes: false", "deep_fakes: true", 1))
    result = run("diff", str(target), "--against", "HEAD", "--as-of", "2026-11-25")
    assert "features.deep_fakes: false → true" in result.stdout, result.stdout + result.stderr
    assert "Art. 50(4)" in result.stdout
    bad = run("diff", str(target), "--against", "no-such-rev", "--as-of", "2026-11-25")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    # a revision that starts with "-" would reach git as an option: --output=FILE writes a file
    (repo / "out:.").mkdir()
    option = run("diff", str(target), "--against=--output=out", "--as-of", "2026-11-25", cwd=repo)
    assert option.returncode == 2 and "is not a git revision" in option.stderr, option.stderr
    assert list((repo / "out:.").iterdir()) == [] and not (repo / "out").exists()


def test_status_lists_every_descriptor_and_invalid_ones() -> None:
    result = run("status", "examples", "--as-of", "2026-11-25", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    systems = {s["system"]: s for s in data["systems"] if s["valid"]}
    assert systems["kandidaatwijzer"]["tiers"] == {"eu": "high_risk"}
    assert systems["kandidaatwijzer"]["next_date"] == "2027-12-02"
    assert "eu:gpai" in systems["halcyon-playground"]["highlights"]
    invalid = [s for s in data["systems"] if not s["valid"]]
    assert invalid and all(s["errors"] >= 1 for s in invalid)
    assert data["totals"]["systems"] == len(data["systems"])


def test_status_parallel_equals_serial() -> None:
    serial = run("status", "examples", "--as-of", "2026-11-25", "--format", "json", "--jobs", "1").stdout
    parallel = run("status", "examples", "--as-of", "2026-11-25", "--format", "json", "--jobs", "2").stdout
    assert serial == parallel and serial


def test_status_counts_overdue_reports_and_flags_a_broken_register(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    shutil.copytree(ROOT / "examples" / "evidence", fleet / "evidence")
    text = (ROOT / "examples" / "recruitment-screening-provider.yaml").read_text("utf-8")
    # on the market after the Annex III date, so Art. 73 runs for an incident in 2028
    text = text.replace("planned_eu_placement: 2028-03-01", "eu_placed_on_market: 2028-01-10")
    assert "eu_placed_on_market: 2028-01-10" in text
    target = fleet / "ai-system.yaml"
    target.write_text(text, "utf-8")
    (fleet / "evidence" / "recruitment-screening-provider" / "incidents.jsonl").unlink()
    added = run("incident", "add", str(target), "--id", "INC-1", "--title", "wrong rejections",
                "--serious", "--harm", "c", "--no-death", "--not-widespread",
                "--aware-at", "2028-02-01T09:00:00+01:00")
    assert added.returncode == 0, added.stdout + added.stderr
    data = json.loads(run("status", str(fleet), "--as-of", "2028-03-01", "--format", "json").stdout)
    (row,) = data["systems"]
    assert row["overdue_incidents"] == 1 and row["register_problem"] is None
    register = fleet / "evidence" / "recruitment-screening-provider" / "incidents.jsonl"
    register.write_text(register.read_text("utf-8").replace("wrong rejections", "right rejections"), "utf-8")
    data = json.loads(run("status", str(fleet), "--as-of", "2028-03-01", "--format", "json").stdout)
    assert data["systems"][0]["overdue_incidents"] is None
    assert "fails verification" in data["systems"][0]["register_problem"]
