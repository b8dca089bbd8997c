"""Example plans shared by every test: the seed's docker-memory-monitor, and helpers.

`EXAMPLE_PLAN` follows the example on the Qwen3-8B-LAM-v4 model card (a Docker
memory monitor whose tool is `check_container_stats` and whose reasoning grants
tools in the model's own phrasing: "requires Bash for running docker stats, Read for
checking thresholds"). The card's full text was not retrievable here, so the wording
is reconstructed to the same shape and size (about 300 tokens compact).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

EXAMPLE_REQUEST = "Monitor my Docker containers and alert me when memory usage gets too high"

EXAMPLE_PLAN: dict[str, Any] = {
    "reasoning": (
        "The user wants continuous visibility into container memory. A focused monitor "
        "agent fits because the work is one loop: sample stats, compare to thresholds, "
        "alert. It requires Bash for running docker stats, Read for checking thresholds "
        "in the config file."
    ),
    "agent": {
        "name": "docker-memory-monitor",
        "description": "Monitors Docker container memory usage and alerts on high usage",
        "role": "container resource monitor",
        "tools": [
            {
                "name": "check_container_stats",
                "description": "Runs docker stats to read memory usage for running containers",
                "parameters": [
                    {
                        "name": "container",
                        "type": "string",
                        "description": "Container name or ID; all containers when empty",
                        "required": False,
                    }
                ],
                "returns": "Memory usage and limit per container",
            },
            {
                "name": "read_thresholds",
                "description": "Reads memory thresholds from the monitor config file",
                "parameters": [
                    {
                        "name": "config_path",
                        "type": "string",
                        "description": "Path to the thresholds file",
                        "required": True,
                    }
                ],
                "returns": "Threshold percentage per container",
            },
        ],
        "skills": [
            {
                "name": "memory_check",
                "description": "Checks every container against its memory threshold",
                "trigger": "the user asks for a memory check or a scheduled check runs",
                "inputs": [
                    {
                        "name": "threshold_percent",
                        "type": "number",
                        "description": "Default alert threshold in percent",
                        "required": False,
                    }
                ],
                "steps": [
                    {
                        "action": "Collect current memory usage for each container",
                        "tool": "check_container_stats",
                        "on_failure": "Report that the Docker daemon is unreachable",
                    },
                    {
                        "action": "Load the configured thresholds",
                        "tool": "read_thresholds",
                        "on_failure": "Fall back to the default threshold",
                    },
                    {
                        "action": "List containers above their threshold with usage figures",
                        "tool": None,
                        "on_failure": None,
                    },
                ],
                "output": "A list of containers over their memory threshold",
            }
        ],
        "constraints": [
            "Never stop, restart or remove containers",
            "Only read Docker state; do not change configuration",
        ],
    },
}


def example_plan() -> dict[str, Any]:
    """A fresh copy of the example plan, safe to mutate."""
    return copy.deepcopy(EXAMPLE_PLAN)


def example_plan_json(**indent: Any) -> str:
    """The example plan as JSON text (pass `indent=2` for pretty-printed)."""
    return json.dumps(EXAMPLE_PLAN, **indent)


# The plan printed on the Qwen3-8B-LAM-v4 model card, verbatim (../shared/seed).
CARD_PLAN_PATH = Path(__file__).resolve().parents[3] / "shared" / "seed" / "example-plan.json"


def card_plan_text() -> str:
    """The model card's example plan exactly as printed (pretty JSON, kebab-case skill)."""
    return CARD_PLAN_PATH.read_text(encoding="utf-8")


def _parameter(name: str, kind: str = "string") -> dict[str, Any]:
    return {
        "name": name,
        "type": kind,
        "description": f"The {name.replace('_', ' ')} the operator configured for this check",
        "required": True,
    }


def _large_step(skill: int, step: int) -> dict[str, Any]:
    action = f"Collect the status of service group {skill} and compare it with baseline {step}"
    if step % 2:
        return {"action": action, "on_failure": "Log the failure and continue with the next one"}
    return {
        "action": action,
        "tool": f"check_service_{step}",
        "input": {"service": f"group-{skill}", "threshold": 80},
    }


def large_plan() -> dict[str, Any]:
    """A realistic plan at every count bound: 8 tools, 6 skills of 8 steps, 10 constraints.

    Field lengths are those of real plans (40-90 characters); plan.py sizes the default
    token budget from it.
    """
    tools = [
        {
            "name": f"check_service_{i}",
            "description": f"Runs the health probe number {i} against every service in the group",
            "parameters": [
                _parameter("service"),
                _parameter("timeout_seconds", "number"),
                _parameter("region"),
            ],
            "returns": "Status, latency in milliseconds and the last error per service",
        }
        for i in range(8)
    ]
    skills = [
        {
            "name": f"health-sweep-{i}",
            "description": f"Sweeps service group {i} and reports services that degraded",
            "trigger": "On schedule every five minutes or when the user asks for a sweep",
            "inputs": [
                _parameter("group"),
                _parameter("threshold_pct", "number"),
                _parameter("notify"),
            ],
            "steps": [_large_step(i, step) for step in range(8)],
            "output": "A table of degraded services with latency and the failing probe",
        }
        for i in range(6)
    ]
    constraints = [
        f"Never restart, scale or delete a service without explicit approval (rule {i})"
        for i in range(10)
    ]
    reasoning = (
        "The user runs many services across regions and wants one agent to watch them. "
        "A monitor with one probe tool per check keeps each tool small and testable; "
        "skills group the probes per service group so a sweep can run on a schedule. "
        "It requires Bash for running the probes and Read for the thresholds file. "
    ) * 3
    agent = {
        "name": "service-health-monitor",
        "description": "Monitors service health across regions and reports degraded services",
        "role": "site reliability monitor",
        "tools": tools,
        "skills": skills,
        "constraints": constraints,
    }
    return {"reasoning": reasoning.strip(), "agent": agent}
