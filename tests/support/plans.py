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
