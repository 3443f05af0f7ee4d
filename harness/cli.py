"""The ``scim-harness`` command line.

User mistakes end with one line on stderr and exit code 2 (click's usage errors); never a
traceback.
"""

from __future__ import annotations

import click

from harness.check import check
from harness.profile_cli import profile_group
from harness.replay import replay_command
from harness.serve import serve
from harness.simulate import simulate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="scim-harness")
def cli() -> None:
    """SCIM 2.0 conformance and OneLogin-simulation test harness."""


cli.add_command(serve)
cli.add_command(check)
cli.add_command(simulate_command)
cli.add_command(replay_command)
cli.add_command(profile_group)


def main() -> None:
    cli(prog_name="scim-harness")
