"""``scim-harness replay FILE``: replay a recording against a target and report the differences.

Exit codes: 0 when the target answered like the recording, 1 when it answered differently, 2 for a
usage error, a recording with a bad line (nothing is sent then), or a target that cannot be used.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click

from harness.profile_cli import effective_profile, one_idp, profile_options
from harness.target import (
    given_target,
    make_transport,
    open_target,
    prepare_report_dir,
    profile_for,
    retries_option,
    transport_options,
    write_text,
)
from simulator import RecordingError, Silent, for_stream, read_recording, replay

SHOWN_DIFFERENCES = 10


class BadRecording(click.ClickException):
    """The recording cannot be replayed: one line naming the line and the problem, exit code 2."""

    exit_code = 2


@click.command("replay")
@click.argument("recording", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--base-url", envvar="SCIM_BASE_URL", help="SCIM base URL (or SCIM_BASE_URL); default: embedded."
)
@click.option("--token", envvar="SCIM_TOKEN", help="Bearer token for --base-url (or SCIM_TOKEN).")
@click.option(
    "--report-dir",
    default=Path("reports"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show progress on stderr.")
@retries_option
@transport_options
@profile_options
def replay_command(
    recording: Path,
    base_url: str | None,
    token: str | None,
    report_dir: Path,
    progress: bool,
    retries: int | None,
    timeout: float | None,
    ca_bundle: str | None,
    insecure: bool,
    idps: tuple[str, ...],
    profile_file: Path | None,
    sets: tuple[str, ...],
) -> None:
    """Replay a recorded simulation (``simulate --record``), remapping server-assigned ids.

    The recorded requests go out as recorded and their statuses are compared with the recording's:
    of the profile, only what carries and judges the answers applies (retries, timeouts, what a
    create response must hold, how a re-written body is serialised); app and template knobs do not.
    """
    try:
        # every line is checked before anything is sent, even the pre-flight: a bad line 900 must
        # not leave a target with 899 lines of a half-replayed run
        lines = sum(1 for _ in read_recording(recording))
    except RecordingError as exc:
        raise BadRecording(str(exc)) from None
    effective = effective_profile(profile_file, sets, one_idp(idps, "replay"))
    ignored = [n for n in effective.origins if n.startswith(("app.", "template."))]
    if ignored:
        click.echo(f"note: replay sends the recorded requests; {', '.join(ignored)} change nothing", err=True)
    folder = prepare_report_dir(report_dir)
    transport = make_transport(timeout, ca_bundle, insecure)
    profile = profile_for(timeout, retries, effective.profile)
    with open_target(given_target(base_url, token, transport)) as opened:
        target = opened.target
        display = for_stream() if progress else Silent()
        report = asyncio.run(
            replay(
                read_recording(recording),
                target.base_url,
                target.token,
                recording=str(recording),
                profile=profile,
                progress=display,
                transport=target.transport,
            )
        )
    path = folder / "replay.json"
    write_text(path, json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n", target)
    differences = report.differences
    click.echo(f"replayed {report.exchanges}/{lines} exchanges, {report.remapped_ids} ids remapped")
    click.echo(f"differences: {differences.total}")
    for problem in differences.items[:SHOWN_DIFFERENCES]:
        click.echo(f"  - {problem}")
    if differences.total > SHOWN_DIFFERENCES:
        click.echo(f"  … and {differences.total - SHOWN_DIFFERENCES} more in {path}")
    click.echo(f"report: {path}")
    if not report.ok:
        raise SystemExit(1)
