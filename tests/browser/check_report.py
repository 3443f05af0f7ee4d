"""``make test-browser``: open a real ``report.html`` in headless Chromium and check what renders.

1. Installs the system's Chromium when it is missing (``apt-get install -y chromium``; root).
2. Runs ``scim-harness check`` against a deliberately broken target (``tests/support/checkrun.py``), which
   must exit 1 and leave a report with a gating failure and a warning.
3. Opens the report through the DevTools protocol (``cdp.py``) and checks: the verdict renders
   and says FAILED, with the RFC verdict failed and the OneLogin verdict passed beside it; the
   first cause group is collapsed; a real mouse click opens it and shows its failure, still
   collapsed; a click on that expands it and shows its exchange (the request, and the 202
   response that broke it); a ``#failure-N`` link and a failure's own ``#scenario-…`` anchor open
   that failure and its cause; the page holds no token; and it asked the network for nothing.
4. Writes ``report-failure.png`` (the expanded failure) next to the report.

Usage: ``python -m tests.browser.check_report [REPORT_DIR]`` (default ``reports/browser-check``).
Exit 0 when every check passed, 1 otherwise. Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.browser.cdp import Page
from tests.support.checkrun import MUST_FAILURE, ROOT, SECRETS, SHOULD_FAILURE, broken_target, run_check


def ensure_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if not shutil.which("apt-get") or os.geteuid() != 0:
        sys.exit("Chromium is not installed, and it can only be installed here as root with apt-get")
    print("installing Chromium (apt-get install -y chromium) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=True, env=env)
    found = shutil.which("chromium")
    if not found:
        sys.exit("apt-get installed chromium, but no chromium command is on PATH")
    return found


def generate(report_dir: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="scim-broken-") as tmp, broken_target(Path(tmp)) as target:
        # Discovery breaks (RFC verdict); OneLogin's push scenarios pass (OneLogin verdict).
        selection = "@discovery or (@onelogin and @push)"
        result = run_check("--tags", selection, "--report-dir", str(report_dir), env=target.env())
    if result.returncode != 1:
        sys.exit(f"check against the broken target exited {result.returncode}, expected 1:\n{result.stderr}")
    return report_dir / "report.html"


class Checks:
    def __init__(self) -> None:
        self.failed = 0

    def __call__(self, ok: bool, what: str, detail: object = "") -> None:
        shown = repr(detail)
        shown = shown if len(shown) <= 300 else shown[:297] + "..."
        print(f"{'ok  ' if ok else 'FAIL'} {what}" + ("" if ok else f": {shown}"), flush=True)
        self.failed += not ok


_CAUSE_STATE = """(() => {
  const c = document.getElementById(%s);
  if (!c) return null;
  const f = c.querySelector('details.failure');
  const seen = (el) => !!el && el.checkVisibility() && el.getBoundingClientRect().height > 0;
  return {open: c.open, summary: c.querySelector('summary').innerText,
          failureVisible: seen(f && f.querySelector('summary')), failureOpen: !!f && f.open,
          failureId: f ? f.id : null};
})()"""

_VERDICTS = """Array.from(document.querySelectorAll('#verdicts .scope')).map(
  (s) => [s.getAttribute('data-verdict'), s.querySelector('b').innerText, s.checkVisibility()])"""

_FAILURE_STATE = """(() => {
  const d = document.getElementById(%s);
  if (!d) return null;
  const all = d.querySelectorAll('details.exchange');
  const last = all[all.length - 1];
  const seen = (el) => !!el && el.checkVisibility() && el.getBoundingClientRect().height > 0;
  const req = last && last.querySelector('pre.request');
  const res = last && last.querySelector('pre.response');
  return {open: d.open, summary: d.querySelector('summary').innerText, exchanges: all.length,
          requestVisible: seen(req), responseVisible: seen(res),
          request: req ? req.innerText : '', response: res ? res.innerText : ''};
})()"""


def verify(chromium: str, report: Path) -> int:
    check = Checks()
    page = Page(chromium)
    try:
        page.call("Network.enable")
        url = report.resolve().as_uri()
        page.open(url)
        verdict = page.evaluate(
            "(() => { const v = document.querySelector('#verdict h1');"
            " return v && v.checkVisibility() ? v.innerText : null; })()"
        )
        check(verdict == "FAILED", "the verdict renders and says FAILED", verdict)
        verdicts = page.evaluate(_VERDICTS)
        check(
            verdicts == [["rfc", "FAILED", True], ["onelogin", "PASSED", True]],
            "both verdicts render: RFC conformance failed, OneLogin compatibility passed",
            verdicts,
        )
        cause = page.evaluate(_CAUSE_STATE % json.dumps("cause-1")) or {}
        check(
            "GET /scim/v2/ResourceTypes → 202" in cause.get("summary", ""),
            "cause-1 names the exchange that broke it, with the base path",
            cause.get("summary"),
        )
        collapsed = not cause.get("open") and not cause.get("failureVisible")
        check(collapsed, "the cause group starts collapsed", cause)
        page.click("#cause-1 > summary")
        cause = page.evaluate(_CAUSE_STATE % json.dumps("cause-1")) or {}
        check(cause.get("open") is True, "a click opens the cause group", cause)
        check(
            cause.get("failureVisible") is True and cause.get("failureId") == "failure-1",
            "the opened group shows its failure",
            cause,
        )
        before = page.evaluate(_FAILURE_STATE % json.dumps("failure-1"))
        check(
            before is not None and MUST_FAILURE in before["summary"], "failure-1 is the MUST failure", before
        )
        check(before is not None and not before["open"], "the failure starts collapsed", before)
        check(before is not None and not before["responseVisible"], "its exchange is hidden while collapsed")
        page.click("#failure-1 > summary")
        after = page.evaluate(_FAILURE_STATE % json.dumps("failure-1")) or {}
        check(after.get("open") is True, "a click expands the failure", after.get("open"))
        check(after.get("requestVisible") is True, "the request shows", after.get("request"))
        check(after.get("responseVisible") is True, "the response shows", after.get("response"))
        check(
            "GET " in after.get("request", "") and "/ResourceTypes" in after.get("request", ""),
            "the request is GET /ResourceTypes",
            after.get("request"),
        )
        check(
            "Bearer ***" in after.get("request", ""), "the request's token is redacted", after.get("request")
        )
        check("HTTP 202" in after.get("response", ""), "the response shows the 202", after.get("response"))
        page.call(
            "Emulation.setDeviceMetricsOverride", width=1280, height=1600, deviceScaleFactor=1, mobile=False
        )
        page.evaluate("document.getElementById('failure-1').scrollIntoView({block: 'start'})")
        page.screenshot(report.parent / "report-failure.png")
        html = page.evaluate("document.documentElement.outerHTML") or ""
        check(not any(secret in html for secret in SECRETS), "no token in the page")
        page.open(url + "#failure-2")
        linked = page.evaluate(_FAILURE_STATE % json.dumps("failure-2")) or {}
        check(
            linked.get("open") is True and SHOULD_FAILURE in linked.get("summary", ""),
            "a #failure-2 link opens the SHOULD failure",
            linked.get("summary"),
        )
        anchor = next(
            s["anchor"]
            for s in json.loads((report.parent / "summary.json").read_text())["scenarios"]
            if s["name"] == MUST_FAILURE
        )
        page.open(f"{url}#{anchor}")
        anchored = page.evaluate(_FAILURE_STATE % json.dumps("failure-1")) or {}
        check(
            anchored.get("open") is True and anchored.get("responseVisible") is True,
            f"the failure's own anchor #{anchor} opens it and its cause group",
            anchored,
        )
        page.evaluate("1")  # drain the events received so far
        fetched = [
            e["params"]["request"]["url"]
            for e in page.events
            if e.get("method") == "Network.requestWillBeSent"
        ]
        external = [u for u in fetched if not u.startswith(("file:", "data:", "about:"))]
        check(not external, "the page fetched nothing from the network", external)
    finally:
        page.close()
    shot = report.parent / "report-failure.png"
    check(shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"screenshot written to {shot}")
    return check.failed


def main() -> int:
    report_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "reports" / "browser-check"
    chromium = ensure_chromium()
    report = generate(report_dir)
    print(f"report: {report}", flush=True)
    failed = verify(chromium, report)
    print("browser check passed" if not failed else f"browser check: {failed} check(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
