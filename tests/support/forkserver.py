"""A warm start for the tests' many runs of the feature suite: import once, fork for each run.

The tests run the suite in a child process some eighty times (a run per broken server, the peer,
the twice-in-a-row run). A fresh ``python -m pytest`` spends ~0.5 s of CPU importing pytest,
pytest-bdd, the step modules and what they import before it runs a scenario. This process imports
all of that once, then reads one job per line on stdin (JSON: ``args``, ``env``, ``output``,
``timeout``), forks, and in the child sets the job's environment, sends stdout and stderr to the
job's file and runs ``pytest.main(args)`` in the project root — the same run as
``python -m pytest args`` there, without the imports. It answers each job with one line,
``{"code": <exit code>}`` (negative: the signal that ended the run; a run past its timeout is
ended by SIGALRM).

Used by :func:`tests.support.suiterun.run_suite`; it is a test helper, not part of the product.
The step modules never assert (a test checks it), so importing them before pytest does loses
no assertion rewriting.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _preload() -> None:
    import pytest  # noqa: F401
    import pytest_bdd.plugin  # noqa: F401

    for path in sorted((ROOT / "steps").glob("*.py")):
        if not path.stem.startswith("test_") and path.stem != "__init__":
            importlib.import_module(f"steps.{path.stem}")
    importlib.import_module("tests.support.select_scenarios")


def _run(job: dict[str, object]) -> None:
    """In the forked child: the job's environment and output, then pytest; never returns."""
    code = 3
    try:
        env = job["env"]
        assert isinstance(env, dict)
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in env.items()})
        out = os.open(str(job["output"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.close(out)
        sys.stdin = open(os.devnull)  # noqa: SIM115 - the job pipe is the server's, not the run's
        signal.alarm(max(1, int(float(str(job["timeout"])))))
        import pytest

        args = job["args"]
        assert isinstance(args, list)
        code = int(pytest.main([str(a) for a in args]))
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    os.chdir(ROOT)
    _preload()
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _run(job)
        _, status = os.waitpid(pid, 0)
        sys.stdout.write(json.dumps({"code": os.waitstatus_to_exitcode(status)}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
