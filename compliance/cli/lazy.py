"""Commands that live in their own modules. They are imported only when invoked (or when help
lists them), so their dependencies stay off the validation path."""

from __future__ import annotations

import importlib
from typing import Any

import click

LAZY_COMMANDS: dict[str, str] = {
    "ask": "compliance.cli.ask:ask_command",
    "build": "compliance.cli.build:build_command",
    "calendar": "compliance.cli.calendar:calendar_command",
    "crosswalk": "compliance.cli.crosswalk:crosswalk_command",
    "incident": "compliance.cli.incident:incident_command",
    "openness": "compliance.cli.openness:openness_command",
    "diff": "compliance.cli.diff:diff_command",
    "status": "compliance.cli.status:status_command",
    "import": "compliance.cli.import_:import_group",
    "export": "compliance.cli.export:export_group",
    "verify": "compliance.cli.verify:verify_command",
}
LAZY_RULES_COMMANDS: dict[str, str] = {
    "coverage": "compliance.cli.rules_coverage:coverage_command",
    "test": "compliance.cli.rules_test:test_command",
}


class LazyGroup(click.Group):
    """A click group that imports some subcommands on first use."""

    lazy: dict[str, str] = LAZY_COMMANDS

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module_name, attr = self.lazy[cmd_name].split(":")
            try:
                command: Any = getattr(importlib.import_module(module_name), attr)
            except ImportError:
                return None
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


class LazyRulesGroup(LazyGroup):
    """``compliance rules``: lint lives with the group; coverage and test in their modules."""

    lazy = LAZY_RULES_COMMANDS
