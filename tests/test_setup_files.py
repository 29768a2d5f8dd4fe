"""The set-up files agree with each other and with the README."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_in_step_with_pyproject():
    proj = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r): r.replace(" ", "") for r in proj["dependencies"] + proj["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    got = {}
    for dep in env["dependencies"]:
        for r in (dep["pip"] if isinstance(dep, dict) else [dep]):
            if r.startswith("-e") or _name(r) in {"python", "pip"}:
                continue
            got[_name(r)] = r.replace(" ", "")
    assert got == wanted


def _quick_start_commands(section: str) -> list[str]:
    block = re.search(r"```\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_readme_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ja = readme.split("## クイックスタート", 1)[1].split("\n## ", 1)[0]
    en = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert _quick_start_commands(ja) == _quick_start_commands(en) == ["python3 run.py lab", "python3 run.py test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\npython3 run.py test" in ci


def test_notebooks_are_committed_without_outputs():
    import json
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        assert not any(c.get("outputs") for c in cells), nb.name
        assert not any(c.get("execution_count") for c in cells), nb.name
