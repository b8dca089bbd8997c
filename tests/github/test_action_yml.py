"""action.yml and the workflow templates: inputs reach the process only through env."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
INPUTS = {
    "github-token",
    "label",
    "backend",
    "model",
    "adapter",
    "base-url",
    "api-key",
    "agents-dir",
    "draft",
    "repeat-instruction",
    "attempts",
    "min-permission",
}
OUTPUTS = {"pr-url", "pr-number", "agent-path", "agent-name", "score"}


def load(path: str) -> dict:
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def test_action_declares_the_documented_inputs_and_outputs() -> None:
    action = load("action.yml")
    assert action["runs"]["using"] == "composite"
    assert {"icon", "color"} <= set(action["branding"])
    assert set(action["inputs"]) == INPUTS
    assert set(action["outputs"]) >= OUTPUTS
    for name in OUTPUTS:
        assert action["outputs"][name]["value"] == f"${{{{ steps.run.outputs.{name} }}}}"


def test_no_expression_inside_run_and_every_input_through_env() -> None:
    steps = load("action.yml")["runs"]["steps"]
    assert all("${{" not in step.get("run", "") for step in steps)
    env_values = " ".join(str(v) for step in steps for v in step.get("env", {}).values())
    used = set(re.findall(r"inputs\.([a-z-]+)", env_values))
    assert used == INPUTS


def test_the_action_installs_mlx_only_on_apple_silicon() -> None:
    setup = load("action.yml")["runs"]["steps"][0]["run"]
    assert '"$GITHUB_ACTION_PATH[mlx]"' in setup and '"$GITHUB_ACTION_PATH"' in setup
    assert 'RUNNER_ARCH" = "ARM64"' in setup and "RUNNER_TOOL_CACHE" in setup


def test_agent_request_workflow_permissions_and_concurrency() -> None:
    workflow = load("workflows/agent-request.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert triggers["issues"]["types"] == ["labeled"]  # `opened` then `labeled`: one run
    assert triggers["issue_comment"]["types"] == ["created"]
    assert workflow["permissions"] == {}
    assert workflow["concurrency"] == {
        "group": "lam-bot-${{ github.event.issue.number }}",
        "cancel-in-progress": False,
    }
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == ["self-hosted", "macOS", "ARM64"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}


def test_validate_workflow_runs_the_github_reporter() -> None:
    workflow = load("workflows/validate-agents.yml")
    assert workflow["permissions"] == {}
    runs = [s.get("run", "") for s in workflow["jobs"]["validate"]["steps"]]
    assert "lam-bot validate --format github ." in runs
    assert workflow["jobs"]["validate"]["runs-on"] == "ubuntu-latest"


def test_agent_request_workflow_filters_before_a_runner_starts() -> None:
    condition = " ".join(load("workflows/agent-request.yml")["jobs"]["agent"]["if"].split())
    for expected in (
        "github.event.sender.type != 'Bot'",
        "github.event.label.name == 'agent-request'",
        "startsWith(github.event.comment.body, '/lam-bot regenerate')",
        "contains(github.event.issue.labels.*.name, 'agent-request')",
        "github.event.comment.author_association",
    ):
        assert expected in condition
