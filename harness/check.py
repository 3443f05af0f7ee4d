"""``scim-harness check``: run the feature suite against a target and write the reports.

Exit codes (design.md, "Reports and exit codes"; issue 13): 0 when no gating scenario failed, 1
when one did, 2 for a usage error, an unreachable target or a rejected token — with one line saying
which. A failure gates when its level gates (``@must``; ``@should`` under ``--strict``) and ``--gate``
selects its verdict (RFC 7643/7644 conformance, or an IdP's compatibility; all by default). The
reports are written after every run that ran scenarios; the previous run's reports are removed
first, so a folder never shows an old result as if it were this one.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import click
from rich.console import Console

from harness.live import LiveProgress
from harness.profile_cli import effective_profile, profile_options
from harness.reporting import REPORT_FILES, RunResult, ScenarioResult, load_simulation, write_reports
from harness.reporting.verdicts import ALL, GATE_CHOICES
from harness.suite import run_suite
from harness.tags import TagExpression, TagExpressionError, parse
from harness.target import TargetError, given_target, make_transport, open_target, transport_options
from simulator import IDP_PROFILES, EffectiveProfile, idp_tags
from steps import tags_in_features

LOG_FILE = "check.log"


def project_root() -> Path:
    """The checkout holding ``features/``, ``steps/`` and the root ``conftest.py``."""
    import steps

    root = Path(steps.__file__).resolve().parent.parent
    if not ((root / "features").is_dir() and (root / "conftest.py").is_file()):
        raise TargetError(
            f"the feature suite is not next to the steps package ({root}); "
            "install scim-harness from a source checkout (pip install -e .)"
        )
    return root


def _selection(tags: str | None, root: Path) -> TagExpression | None:
    if tags is None:
        return None
    try:
        expression = parse(tags)
    except TagExpressionError as exc:
        raise click.BadParameter(f"{tags!r}: {exc}", param_hint="--tags") from None
    unknown = sorted(expression.tags - tags_in_features(root / "features"))
    if unknown:
        raise click.BadParameter(
            f"no feature uses the tag {', '.join('@' + t for t in unknown)}", param_hint="--tags"
        )
    return expression


def _prepare(report_dir: Path) -> None:
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        for name in (*REPORT_FILES, LOG_FILE):
            (report_dir / name).unlink(missing_ok=True)
        probe = report_dir / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise click.BadParameter(
            f"cannot write to {report_dir}: {exc.strerror}", param_hint="--report-dir"
        ) from None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _version() -> str:
    try:
        return metadata.version("scim-harness")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@click.command("check")
@click.option("--base-url", envvar="SCIM_BASE_URL", help="SCIM base URL (or SCIM_BASE_URL).")
@click.option("--token", envvar="SCIM_TOKEN", help="Bearer token of the target (or SCIM_TOKEN).")
@click.option("--observer-url", envvar="SCIM_OBSERVER_URL", help="Observer base URL (or SCIM_OBSERVER_URL).")
@click.option(
    "--observer-token", envvar="SCIM_OBSERVER_TOKEN", help="Observer token (or SCIM_OBSERVER_TOKEN)."
)
@click.option("--tags", metavar="EXPR", help="Tag expression, e.g. '@must and not @observer'.")
@click.option("--strict", is_flag=True, help="@should failures gate the exit code too.")
@click.option(
    "--gate",
    type=click.Choice(GATE_CHOICES, case_sensitive=False),
    default=ALL,
    show_default=True,
    help="Which verdict sets the exit code: RFC 7643/7644 conformance, one IdP's compatibility, or all.",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Where the reports are written.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1, max=64),
    default=1,
    show_default=True,
    help="Worker processes; whole features run in parallel, @serial scenarios alone at the end.",
)
@transport_options
@profile_options
def check(
    base_url: str | None,
    token: str | None,
    observer_url: str | None,
    observer_token: str | None,
    tags: str | None,
    strict: bool,
    gate: str,
    report_dir: Path,
    jobs: int,
    timeout: float | None,
    ca_bundle: str | None,
    insecure: bool,
    idps: tuple[str, ...],
    profile_file: Path | None,
    sets: tuple[str, ...],
) -> None:
    """Run the feature suite against a SCIM target and write the reports.

    Without --base-url the target is the embedded reference server. The IdP scenarios run for the
    IdPs --idp names (OneLogin by default; repeat it, or 'all', for several); each sends what its
    profile, changed by --profile and --set, says; a scenario that sets a knob itself wins for that knob.
    """
    chosen = idp_tags(idps)
    effective = effective_profile(profile_file, sets)
    transport = make_transport(timeout, ca_bundle, insecure)
    given = given_target(base_url, token, transport, observer_url, observer_token)
    root = project_root()
    selection = _selection(tags, root)
    _prepare(report_dir)
    console = Console(highlight=False, soft_wrap=True)
    started, clock = _now(), time.monotonic()
    marker_expression = _with_idps(selection.marker_expression if selection else None, chosen)
    # the embedded server's rotations complete quickly: lifecycle scenarios wait for them
    with open_target(given, rotation_delay=0.05) as opened:
        target = opened.target
        shown = f" ({target.base_url})" if target.embedded else ""
        console.print(f"Checking {target.label}{shown}")
        with (
            tempfile.TemporaryDirectory(prefix="scim-check-") as work,
            LiveProgress(console, strict, gate.lower(), report_dir / "report.html") as live,
        ):
            environment = _profile_environment(effective)
            outcome = run_suite(root, target, marker_expression, jobs, live, Path(work), environment)
    if outcome.stopped:
        raise TargetError(outcome.stopped)
    if outcome.crashed:
        (report_dir / LOG_FILE).write_text(outcome.log, encoding="utf-8")
        raise TargetError(f"the feature suite could not run ({outcome.crashed}); see {report_dir / LOG_FILE}")
    if not outcome.results:
        if selection is not None:
            hint = _idp_hint(selection, chosen)
            raise click.BadParameter(f"{tags!r} selects no scenario{hint}", param_hint="--tags")
        raise TargetError("the feature suite has no scenarios")
    # Workers finish in any order; reports list scenarios as the features do.
    results = [ScenarioResult.from_event(r) for r in outcome.results]
    scenarios = sorted(results, key=lambda s: (s.feature_file, s.line, s.nodeid))
    run = RunResult(
        target=target,
        started=started,
        finished=_now(),
        # Rounded once, so every report shows the same wall time however it formats it.
        duration=round(time.monotonic() - clock, 3),
        strict=strict,
        tags=tags,
        scenarios=scenarios,
        simulation=load_simulation(report_dir),
        tool_version=_version(),
        gate=gate.lower(),
    )
    write_reports(run, report_dir)
    _conclude(console, run, report_dir)
    raise SystemExit(run.exit_code)


def _idp_hint(selection: TagExpression, chosen: tuple[str, ...]) -> str:
    """``; it names @okta, which --idp leaves out: add --idp okta`` when that explains an empty run."""
    left_out = sorted(selection.tags & (set(IDP_PROFILES) - set(chosen)))
    if not left_out:
        return ""
    named = ", ".join("@" + t for t in left_out)
    return f"; it names {named}, which --idp leaves out: add " + " ".join(f"--idp {t}" for t in left_out)


def _with_idps(expression: str | None, chosen: tuple[str, ...]) -> str | None:
    """``expression`` without the scenarios of the IdPs --idp did not choose (``not okta``)."""
    left_out = [f"not {tag}" for tag in IDP_PROFILES if tag not in chosen]
    if not left_out:
        return expression
    idps = " and ".join(left_out)
    return idps if expression is None else f"({expression}) and {idps}"


def _profile_environment(effective: EffectiveProfile) -> dict[str, str]:
    """The profile for the workers (steps/profile.py reads it back): the file, then the --set lines.

    Paths are absolute (the workers run in the project folder); the environment, never argv.
    """
    return {
        "SCIM_PROFILE": "" if effective.file is None else str(effective.file.resolve()),
        "SCIM_SET": "\n".join(effective.overrides()),
    }


def _conclude(console: Console, run: RunResult, report_dir: Path) -> None:
    counts = run.counts()
    gating, warnings = len(run.gating_failures), len(run.warnings)
    colour = "green" if run.passed else "red"
    console.print(
        f"[bold {colour}]{run.verdict.upper()}[/]: {gating} gating failure(s), {warnings} warning(s) — "
        f"{counts['total']} scenarios: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['error']} error, {counts['skipped']} skipped ({run.duration:.1f} s)"
    )
    for verdict in run.verdicts():
        gates = "" if verdict.selected else f" (does not set the exit code: --gate {run.gate})"
        console.print(f"  {verdict.scope.title}: {verdict.words}{gates}")
    console.print(f"Reports in {report_dir}/: " + ", ".join(REPORT_FILES))
