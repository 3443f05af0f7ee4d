"""Two verdicts, each gating on its own: RFC 7643/7644 conformance and each IdP's compatibility."""

from __future__ import annotations

import re

import pytest

from harness.reporting import html
from harness.reporting.model import LEVELS
from harness.reporting.verdicts import GATE_CHOICES, IDPS, RFC, level_gates, scope, scope_of
from tests.support.reportdata import sample_run, scenario


@pytest.mark.parametrize(
    ("tags", "verdict"),
    [
        (["must", "req_U_01"], "rfc"),
        (["must", "onelogin"], "onelogin"),
        (["should", "entra"], "entra"),
        (["okta", "onelogin"], "onelogin"),  # several IdPs: the first of IDPS, so it counts once
        ([], "rfc"),
    ],
)
def test_an_idp_tag_puts_a_scenario_in_that_idps_verdict(tags: list[str], verdict: str) -> None:
    assert scope_of(tags).id == verdict


def test_adding_an_idp_is_data() -> None:
    assert ("all", "rfc", *(tag for tag, _ in IDPS)) == GATE_CHOICES
    assert scope("entra").title == "Microsoft Entra ID compatibility" and scope("rfc") is RFC


@pytest.mark.parametrize("strict", [False, True])
def test_every_verdict_gates_by_level_alone(strict: bool) -> None:
    """@must gates, @should only under --strict, @may never — an IdP tag adds nothing."""
    for level in LEVELS:
        rfc = scenario("r", "failed", [level] if level != "unspecified" else [])
        idp = scenario("o", "failed", ([level] if level != "unspecified" else []) + ["onelogin"])
        assert rfc.gates(strict) == idp.gates(strict) == level_gates(level, strict)
    assert not scenario("o", "failed", ["should", "onelogin"]).gates(strict=False)


def test_a_scenario_resting_on_a_guess_gates_only_under_strict() -> None:
    guessed = scenario("g", "failed", ["must", "onelogin", "fact_onelogin_empty_placeholder"])
    assert guessed.rests_on_guess and not guessed.gates(strict=False) and guessed.gates(strict=True)
    seen = scenario("s", "failed", ["must", "onelogin", "fact_onelogin_legacy_urns"])
    assert not seen.rests_on_guess and seen.gates(strict=False)


def test_the_gate_picks_the_verdicts_that_set_the_exit_code() -> None:
    everything, rfc, onelogin = sample_run(), sample_run(gate="rfc"), sample_run(gate="onelogin")
    assert [s.name for s in everything.gating_failures] == [
        "A created user answers 201",
        "The default template is accepted",
    ]
    assert [s.name for s in rfc.gating_failures] == ["A created user answers 201"]
    assert [s.name for s in onelogin.gating_failures] == ["The default template is accepted"]
    pushed = next(s for s in rfc.scenarios if s.name == "The default template is accepted")
    assert rfc.why_not_gating(pushed) == "OneLogin compatibility does not set the exit code under --gate rfc"
    assert [(v.scope.id, v.selected) for v in rfc.verdicts()] == [("rfc", True), ("onelogin", False)]
    # Each verdict keeps its own result whatever the gate.
    assert (
        [v.result for v in rfc.verdicts()]
        == [v.result for v in everything.verdicts()]
        == ["failed", "failed"]
    )


def test_verdicts_add_up_to_the_run() -> None:
    run = sample_run()
    every = run.verdicts(every=True)
    assert [v.scope.id for v in every] == ["rfc", "onelogin", "okta", "entra"]
    for status, count in run.counts().items():
        assert sum(v.counts[status] for v in every) == count
    assert sum(v.failures + v.warnings for v in every) == len(run.gating_failures) + len(run.warnings)
    # Shown: the RFC verdict always, an IdP's when it had scenarios or --gate names it.
    assert [v.scope.id for v in run.verdicts()] == ["rfc", "onelogin"]
    assert [v.scope.id for v in sample_run(gate="okta").verdicts()] == ["rfc", "onelogin", "okta"]
    assert sample_run(gate="okta").verdicts()[-1].words == "not tested"


@pytest.mark.parametrize("strict", [False, True])
def test_the_by_level_table_agrees_with_what_gated(strict: bool) -> None:
    run = sample_run(strict=strict)
    page = html.render(run)
    table = page[page.index("<h3>By level</h3>") : page.index('id="matrix"')]
    says = dict(re.findall(r"<tr><td>([A-Z]+)</td><td>([^<]+)</td>", table))
    for s in run.scenarios:
        if s.bad and not s.rests_on_guess:
            assert (says[s.level.upper()] == "yes") == run.blocks(s), (s.name, says)
