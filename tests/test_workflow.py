"""The GitHub Pages workflow: valid against the workflow schema, clean under zizmor, and wired as the README says."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def test_workflow_matches_the_github_workflow_schema():
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_has_no_zizmor_findings():
    result = subprocess.run([tool("zizmor"), "--offline", "--no-progress", str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_builds_tests_and_deploys_with_minimal_permissions():
    flow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert flow["permissions"] == {} and flow["concurrency"]["group"] == "pages"
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"} and deploy["needs"] == "build"
    steps = {s.get("name"): s for s in build["steps"]}
    assert steps["Run the tests"]["run"] == "bash .ci/run"
    assert "--base-url" in steps["Build the site"]["run"]
    names = [s.get("name") for s in build["steps"]]
    kept = steps["Keep the build cache and the last site between runs"]
    assert kept["uses"].startswith("actions/cache@") and kept["with"]["path"].split() == [".site-cache", "_site"]
    assert names.index("Keep the build cache and the last site between runs") < names.index("Build the site")
    assert steps["Upload the site"]["with"]["path"] == "_site"
    uses = [s["uses"] for job in flow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert all("@" in u and len(u.split("@")[1].split()[0]) == 40 for u in uses)  # pinned to commits
