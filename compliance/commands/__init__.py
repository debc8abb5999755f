"""Optional command modules, registered on the main group without importing their heavy
dependencies until they run."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    try:
        from .build import build_command
    except ImportError:
        return
    group.add_command(build_command, "build")
