"""The parts of ``check`` that need no server: tag expressions, shards, worker commands, progress."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from harness.collect import _readable, shards
from harness.live import LiveProgress, shortened
from harness.suite import _command, _headline, worker_environment
from harness.tags import TagExpressionError, parse
from scim_client import Target
from steps.features import tags_in_features


@pytest.mark.parametrize(
    ("text", "marker", "tags"),
    [
        ("@must", "must", {"must"}),
        ("must and not @observer", "must and not observer", {"must", "observer"}),
        (
            "(@users or @groups) and @req_U_01",
            "( users or groups ) and req_U_01",
            {"users", "groups", "req_U_01"},
        ),
        ("not not @may", "not not may", {"may"}),
    ],
)
def test_tag_expressions_translate_for_pytest(text: str, marker: str, tags: set[str]) -> None:
    expression = parse(text)
    assert expression.marker_expression == marker
    assert expression.tags == tags


@pytest.mark.parametrize(
    "text",
    ["", "   ", "@must and", "and @must", "(@must", "@must)", "@must @should", "@must & @should", "not"],
)
def test_malformed_tag_expressions_are_refused(text: str) -> None:
    with pytest.raises(TagExpressionError):
        parse(text)


def test_tags_in_features_reads_every_feature(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.feature").write_text("@area @rfc\nFeature: X\n  @must @req_X_01\n  Scenario: s\n")
    (tmp_path / "y.feature").write_text("Feature: Y\n  @may\n  Scenario: t\n    Given an email @example\n")
    assert tags_in_features(tmp_path) == {"area", "rfc", "must", "req_X_01", "may"}


def test_shards_keep_features_whole_and_balance_scenarios() -> None:
    sizes = {"a.feature": 9, "b.feature": 5, "c.feature": 4, "d.feature": 3, "e.feature": 1}
    owner = shards(sizes, 2)
    assert set(owner) == set(sizes)
    loads = [sum(n for f, n in sizes.items() if owner[f] == k) for k in range(2)]
    assert sum(loads) == 22 and max(loads) - min(loads) <= 2  # largest first, to the lightest shard
    assert shards(dict(reversed(sizes.items())), 2) == owner  # the same in every worker
    assert set(shards(sizes, 8).values()) == {0, 1, 2, 3, 4}  # more shards than features: some empty


def test_worker_command_carries_no_token() -> None:
    target = Target("http://h/scim/v2", "tok-ABC-123", "http://h/observer", "obs-XYZ-789")
    command = _command(Path("/tmp/events.jsonl"), "must and not observer", "2/3")
    assert not any("tok-ABC" in part or "obs-XYZ" in part for part in command)
    assert command[len(command) - command[::-1].index("-m")] == "must and not observer"
    assert command[command.index("--harness-shard") + 1] == "2/3"
    env = worker_environment(target)
    assert env["SCIM_TOKEN"] == "tok-ABC-123" and env["SCIM_OBSERVER_TOKEN"] == "obs-XYZ-789"
    assert env["SCIM_HARNESS_FRONTEND"] == "check"
    assert "tok-ABC" not in repr(target) and "obs-XYZ" not in repr(target)


def test_worker_environment_drops_an_observer_it_was_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCIM_OBSERVER_URL", "http://elsewhere/observer")
    monkeypatch.setenv("SCIM_OBSERVER_TOKEN", "stale")
    monkeypatch.setenv("SCIM_INSECURE", "1")
    env = worker_environment(Target("http://h/scim/v2", "t"))
    assert env["SCIM_OBSERVER_URL"] == "" and env["SCIM_OBSERVER_TOKEN"] == ""
    assert env["SCIM_INSECURE"] == ""  # the target's transport, not an inherited one


def test_headline_names_what_broke() -> None:
    log = (
        'Error while loading plugin "steps.users".\nsteps/users.py:3: in <module>\n'
        "E     File steps/users.py, line 3\nE   SyntaxError: invalid syntax\n"
    )
    assert _headline(log) == 'Error while loading plugin "steps.users": SyntaxError: invalid syntax'
    assert _headline("") == "no output"


def _result(name: str, status: str, tags: list[str], message: str | None = None) -> dict[str, object]:
    return {
        "nodeid": f"steps/test_x.py::{name}",
        "feature": "Users",
        "featureFile": "features/users/x.feature",
        "scenario": name,
        "line": 3,
        "tags": tags,
        "status": status,
        "message": message,
    }


def test_progress_prints_failures_as_they_happen_and_counts() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=200, highlight=False)
    with LiveProgress(console, strict=False, gate="onelogin") as live:
        live.expect(4)
        live.started(1, "Users")
        live.finished(1, _result("creates", "passed", ["must"]))
        live.finished(1, _result("pushes", "failed", ["must", "onelogin"], "POST /Users answered 400"))
        live.finished(1, _result("answers 201", "failed", ["must"], "POST /Users answered 200"))
        live.finished(1, _result("sorts", "failed", ["should", "onelogin"], "unsorted"))
    text = out.getvalue()
    assert "PASS Users › creates" in text
    assert "FAIL Users › pushes (MUST, OneLogin, features/users/x.feature:3)" in text
    assert "POST /Users answered 400" in text
    # --gate onelogin: an RFC failure does not set the exit code; a SHOULD one never does.
    assert "WARN Users › answers 201 (MUST, RFC 7643/7644" in text
    assert "WARN Users › sorts (SHOULD, OneLogin" in text
    assert live.done == 4 and live.counts["failed"] == 3


def test_a_shortened_message_says_where_the_full_text_is() -> None:
    report = Path("out/report.html")
    assert shortened("one short line", report, "scenario-1") == "one short line"
    two_lines = shortened("first line\nsecond line", report, "scenario-1")
    assert two_lines == "first line [full text: out/report.html#scenario-1]"
    long = shortened("x" * 500, report, "scenario-2")
    assert long.startswith("x" * 239 + "…") and long.endswith("[full text: out/report.html#scenario-2]")


@pytest.mark.parametrize(
    ("crash", "message"),
    [
        ("AssertionError: POST /scim/v2/Users answered 200", "POST /scim/v2/Users answered 200"),
        (
            "steps.failures.Failure: GET /scim/v2/Users answered 500\n  sent: GET …",
            "GET /scim/v2/Users answered 500\n  sent: GET …",
        ),
        ("AssertionError: 2 is not 3\nassert 2 == 3", "2 is not 3"),
        ("Failed: no observer: see README", "Failed: no observer: see README"),
        ("the count is off: 3 vs 4", "the count is off: 3 vs 4"),
    ],
)
def test_a_failure_message_carries_no_python_class_name(crash: str, message: str) -> None:
    assert _readable(crash) == message
