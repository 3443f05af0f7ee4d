"""``scim-harness simulate``: OneLogin's traffic for a scenario, verified, with ``simulation.json``.

Exit codes: 0 when no problem was found, 1 when the run found problems, 2 for a usage error or a
target that cannot be used (unreachable, token rejected, or a connection test OneLogin would not
accept: then no user request is sent, as OneLogin would not enable provisioning).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click

from harness.locust_run import LocustRun, NotEnabled, simulate_on_locust
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
from simulator import (
    DEFAULT_IDP,
    SCENARIOS,
    AppBehaviour,
    OwnRequests,
    Report,
    Silent,
    SimulationConfig,
    for_stream,
    simulate,
)

SHOWN_CAUSES = 10


def _summary(report: Report, path: Path, idp: str = "OneLogin") -> list[str]:
    data = report.to_json()
    latency, events, errors = data["latencyMs"], data["events"], data["httpErrors"]
    statuses = ", ".join(f"{code} × {n}" for code, n in data["statuses"].items()) or "none"
    recon = data["reconciliation"]
    compared = (
        f"{recon['usersChecked']}/{recon['usersExpected']} users, "
        f"{recon['groupsChecked']}/{recon['groupsExpected']} groups compared"
    )
    if recon["status"] == "not run":
        compared = recon["reason"]
    elif recon["status"] == "incomplete":
        compared += f" ({recon['reason']})"
    own = report.own_requests
    lines = [
        f"scenario {data['scenario']}: {data['users']} users, seed {data['seed']}, "
        f"{events['count']} events ({events['failed']} failed)",
        f"{data['requests']} requests in {data['elapsed']:.1f} s ({data['throughput']:.0f} req/s), "
        f"{data['retries']} retries",
        f"latency p50 {latency['p50']:.1f} ms · p90 {latency['p90']:.1f} ms · p99 {latency['p99']:.1f} ms",
        f"statuses: {statuses}",
        f"HTTP errors: {errors['errors']} (4xx {errors['4xx']}, 5xx {errors['5xx']}, "
        f"no answer {errors['noAnswer']})",
        f"reconciliation {recon['status']}: {compared}",
        f"the harness's own requests (not {idp}'s): {len(own)}, listed under harnessRequests",
    ]
    causes = report.problems.causes.ranked()
    word = "cause" if len(causes) == 1 else "causes"
    lines.append(f"problems: {report.problems.total}" + (f", from {len(causes)} {word}" if causes else ""))
    for group in causes[:SHOWN_CAUSES]:
        example = group.example
        hit = ", ".join(f"{event} × {n}" for event, n in group.events.most_common(3))
        lines.append(f"  - {group.count} × {group.cause.title}")
        lines.append(f"      events: {hit}" + (f" · basis: {group.cause.basis}" if group.cause.basis else ""))
        lines.append(f"      e.g. {example}")
    if len(causes) > SHOWN_CAUSES:
        lines.append(f"  … and {len(causes) - SHOWN_CAUSES} more causes in {path}")
    lines.append(f"report: {path}")
    return lines


@click.command("simulate")
@click.option("--scenario", required=True, type=click.Choice(list(SCENARIOS)), help="The traffic mix.")
@click.option("--users", default=100, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed, same tenant and traffic.")
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--duration",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds: how long soak runs; other scenarios stop taking new events after it.",
)
@click.option(
    "--base-url", envvar="SCIM_BASE_URL", help="SCIM base URL (or SCIM_BASE_URL); default: embedded."
)
@click.option("--token", envvar="SCIM_TOKEN", help="Bearer token for --base-url (or SCIM_TOKEN).")
@click.option(
    "--record",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the traffic as JSONL (one exchange per line, token redacted).",
)
@click.option(
    "--report-dir",
    default=Path("reports"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--app-keeps-suspended-members",
    is_flag=True,
    help="The app keeps suspended users in groups (default: it removes them, like Cerby).",
)
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show progress on stderr.")
@retries_option
@transport_options
@profile_options
@click.option(
    "--engine",
    type=click.Choice(["asyncio", "locust"]),
    default="asyncio",
    show_default=True,
    help="locust: run the traffic on Locust (master and workers on loopback; see docs/load.md).",
)
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    help="Locust worker processes with --engine locust (default 1; 0: one standalone process).",
)
def simulate_command(
    scenario: str,
    users: int,
    seed: int,
    concurrency: int,
    duration: float | None,
    base_url: str | None,
    token: str | None,
    record: Path | None,
    report_dir: Path,
    app_keeps_suspended_members: bool,
    progress: bool,
    retries: int | None,
    timeout: float | None,
    ca_bundle: str | None,
    insecure: bool,
    idps: tuple[str, ...],
    profile_file: Path | None,
    sets: tuple[str, ...],
    engine: str,
    workers: int | None,
) -> None:
    """Send OneLogin's traffic for a scenario and verify every answer and the final directory."""
    if SCENARIOS[scenario].endless and duration is None:
        raise click.UsageError(f"--duration SECONDS is required with --scenario {scenario}")
    if engine != "locust" and workers is not None:
        raise click.UsageError("--workers needs --engine locust")
    if engine == "locust" and record is not None:
        raise click.UsageError("--record needs the asyncio engine (Locust workers record nothing)")
    idp = one_idp(idps, "simulate")
    if engine == "locust" and idp.tag != DEFAULT_IDP:
        raise click.UsageError(f"--idp {idp.tag} needs the asyncio engine (Locust sends OneLogin's traffic)")
    effective = effective_profile(profile_file, sets, idp)
    if engine == "locust" and effective.origins:
        raise click.UsageError("--profile and --set need the asyncio engine (Locust sends the defaults)")
    behaviour = AppBehaviour(removes_suspended_from_groups=not app_keeps_suspended_members)
    transport = make_transport(timeout, ca_bundle, insecure)
    profile = profile_for(timeout, retries, effective.profile)
    config = SimulationConfig(
        scenario,
        users,
        seed,
        concurrency,
        duration,
        profile=profile,
        template=effective.scim_template(),
        settings=effective.app_over(idp.settings_over(SCENARIOS[scenario].settings)),
        behaviour=behaviour,
        record=record,
    )
    folder = prepare_report_dir(report_dir)
    if engine == "locust":  # per-response verification and Locust's figures; no reconciliation
        processes = 1 if workers is None else workers
        run = LocustRun(scenario, users, seed, concurrency, processes, duration, retries)
        with open_target(given_target(base_url, token, transport)) as opened:
            simulate_on_locust(run, opened.target, folder)
        return
    if record is not None:
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            record.touch()
        except OSError as exc:
            raise click.UsageError(f"cannot write the recording {str(record)!r}: {exc.strerror}") from None
    with open_target(given_target(base_url, token, transport)) as opened:
        target = opened.target
        display = for_stream() if progress else Silent()
        own = OwnRequests()
        for exchange in opened.harness_exchanges:  # the pre-flight: listed, never counted as OneLogin's
            own.add_harness(exchange)
        report = asyncio.run(
            simulate(
                config,
                target.base_url,
                target.token,
                progress=display,
                transport=target.transport,
                own_requests=own,
            )
        )
    path = folder / "simulation.json"
    write_text(path, json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n", target)
    if report.stopped is not None:
        raise NotEnabled(report.stopped, path)
    for line in _summary(report, path, effective.profile.idp_name):
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)
