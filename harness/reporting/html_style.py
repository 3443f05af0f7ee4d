"""The stylesheet and the one small script inlined into ``report.html``.

Both are inlined so the page is one file that reads the same from disk, from a CI artefact, or
attached to an e-mail, without a network. The script only opens ``<details>``: the one a URL
fragment names (``report.html#failure-2`` opens that failure and scrolls to it; ``#failures``
opens them all; ``#cause-1`` or ``#scenario-…`` opens the cause or failure and what holds it) and the
expand / collapse buttons. Without scripts the page still reads in full.
"""

from __future__ import annotations

CSS = """
:root { --ok: #15803d; --ok-bg: #dcfce7; --bad: #b91c1c; --bad-bg: #fee2e2; --warn: #b45309;
  --warn-bg: #fef3c7; --skip: #4b5563; --skip-bg: #f3f4f6; --line: #e5e7eb; --ink: #111827;
  --muted: #4b5563; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  margin: 0 auto; padding: 1.5rem; max-width: 1200px; line-height: 1.45; font-size: 15px; }
h1, h2, h3, h4 { line-height: 1.2; }
h2 { margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: .3rem; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; }
pre { background: #f9fafb; border: 1px solid var(--line); padding: .6rem; overflow-x: auto;
  white-space: pre-wrap; word-break: break-word; margin: .3rem 0; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f9fafb; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { border-radius: 8px; padding: 1rem 1.25rem; display: flex; align-items: baseline; gap: 1.5rem;
  flex-wrap: wrap; }
.verdict h1 { margin: 0; font-size: 2rem; letter-spacing: .05em; }
.verdict.passed { background: var(--ok-bg); color: var(--ok); }
.verdict.failed { background: var(--bad-bg); color: var(--bad); }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 1rem 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
.cards { display: flex; gap: .75rem; flex-wrap: wrap; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .5rem 1rem; min-width: 8rem; }
.card b { display: block; font-size: 1.6rem; }
.passed-t, td.pass { color: var(--ok); } td.pass { background: var(--ok-bg); }
.failed-t, td.fail { color: var(--bad); } td.fail { background: var(--bad-bg); }
td.skip { color: var(--skip); background: var(--skip-bg); }
td.none { color: #9ca3af; }
.badge { display: inline-block; border-radius: 4px; padding: 0 .4rem; font-size: 12px; font-weight: 600;
  border: 1px solid currentColor; margin-right: .3rem; }
.badge.gating { color: var(--bad); } .badge.warning { color: var(--warn); }
.badge.passed { color: var(--ok); } .badge.skipped { color: var(--skip); }
.badge.failed, .badge.error { color: var(--bad); }
.verdicts { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: .75rem;
  margin: 1rem 0; }
.scope { border-radius: 8px; padding: .6rem 1rem; border: 1px solid var(--line); }
.scope h2 { font-size: 1rem; margin: 0 0 .3rem; border: 0; padding: 0; }
.scope b { font-size: 1.2rem; letter-spacing: .04em; }
.scope.passed { background: var(--ok-bg); color: var(--ok); }
.scope.passed.warned { background: var(--warn-bg); color: var(--warn); }
.scope.failed { background: var(--bad-bg); color: var(--bad); }
.scope.untested { background: var(--skip-bg); color: var(--skip); }
details.cause { border: 1px solid var(--line); border-left: 6px solid var(--bad); border-radius: 6px;
  margin: .6rem 0; padding: .5rem .8rem; }
details.cause.warning { border-left-color: var(--warn); }
details.cause > summary { cursor: pointer; }
details.cause > summary .small { display: block; margin-top: .2rem; }
code.cause-key { background: #f3f4f6; padding: 0 .3rem; border-radius: 3px; word-break: break-word; }
ul.basis { margin: .2rem 0 .6rem; }
details.failure { border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 6px;
  margin: .5rem 0; padding: .4rem .8rem; }
details.failure.warning { border-left-color: var(--warn); }
details.failure > summary { cursor: pointer; font-weight: 600; }
details.failure .message { font-weight: normal; color: var(--muted); }
details.exchange { border: 1px solid var(--line); border-radius: 4px; margin: .3rem 0; padding: .2rem .6rem; }
details.exchange > summary { cursor: pointer; font-family: ui-monospace, Menlo, Consolas, monospace;
  font-size: 13px; }
pre.request, pre.response, pre.error { max-height: 36em; overflow: auto; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: .6rem; }
@media (max-width: 800px) { .pair { grid-template-columns: 1fr; } }
ol.steps { list-style: none; padding-left: .5rem; } ol.steps li { margin: .15rem 0; }
li.step .mark { display: inline-block; width: 1.2em; } li.step.passed .mark { color: var(--ok); }
li.step.failed { color: var(--bad); font-weight: 600; }
li.step.skipped { color: #9ca3af; }
.small { font-size: 13px; color: var(--muted); }
.tools button { font: inherit; font-size: 13px; margin-right: .4rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem 2rem; }
svg.chart { max-width: 100%; height: auto; }
"""

SCRIPT = """
(function () {
  function openUp(el) {
    for (var e = el; e; e = e.parentElement) { if (e.tagName === 'DETAILS') { e.open = true; } }
  }
  function setAll(open) {
    document.querySelectorAll('details.cause, details.failure').forEach(function (d) { d.open = open; });
  }
  function show() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) { return; }
    if (id === 'failures') { setAll(true); }
    var el = document.getElementById(id);
    if (el) { openUp(el); el.scrollIntoView(); }
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-expand]').forEach(function (b) {
      b.addEventListener('click', function () { setAll(b.getAttribute('data-expand') === 'all'); });
    });
    show();
  });
  window.addEventListener('hashchange', show);
})();
"""
