"""The import direction of ARCHITECTURE.md holds: the contracts in pyproject.toml, checked by
import-linter (also run by ``make check``), are all kept."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_import_contract_is_kept() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " broken" in result.stdout and "0 broken" in result.stdout, result.stdout


PACKAGES = ("schemas", "scim_client", "simulator", "steps", "harness", "reference_server")


def _public_names(package: str) -> set[str] | None:
    """The ``__all__`` of a package (or public sub-package), read without importing it."""
    init = ROOT.joinpath(*package.split(".")) / "__init__.py"
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and node.value is not None:
            return {ast.literal_eval(e) for e in ast.walk(node.value) if isinstance(e, ast.Constant)}
    return None


def _cross_package_imports() -> Iterator[tuple[str, str, str]]:
    """(where, package imported from, name) for every ``from other_package... import name``."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
                    continue
                top = node.module.split(".")[0]
                if top in PACKAGES and top != package:
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    for alias in node.names:
                        yield where, node.module, alias.name


def test_other_packages_import_only_a_package_public_names() -> None:
    """ARCHITECTURE.md: a package's public names are its ``__all__``; other packages import only those,
    from the package itself (or a public sub-package such as ``simulator.load``), never a module inside."""
    wrong = []
    for where, module, name in _cross_package_imports():
        if not ROOT.joinpath(*module.split("."), "__init__.py").exists():
            wrong.append(f"{where}: from {module} import {name} (import it from {module.split('.')[0]})")
        elif name not in (_public_names(module) or set()):
            wrong.append(f"{where}: {module} does not list {name!r} in __all__")
    assert not wrong, "\n".join(wrong)


def test_every_package_declares_its_public_names() -> None:
    for package in PACKAGES:
        assert _public_names(package) is not None, f"{package}/__init__.py declares no __all__"
