"""Ruff lint and format, and the strict type check, are part of the suite, so CI enforces them."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["bot", "tests", "benchmarks"]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if executable is None:
        pytest.fail(
            "ruff is not installed; it comes with the test extras: pip install -e '.[test]'"
        )
    return subprocess.run(
        [executable, *args, *PATHS], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_ruff_lint_is_clean() -> None:
    result = ruff("check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = ruff("format", "--check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_types_check_strictly() -> None:
    executable = shutil.which("mypy", path=str(Path(sys.executable).parent)) or shutil.which("mypy")
    if executable is None:
        pytest.fail(
            "mypy is not installed; it comes with the test extras: pip install -e '.[test]'"
        )
    result = subprocess.run(
        [executable, "--no-incremental"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_public_function_and_class_says_why_it_exists() -> None:
    missing = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            public = isinstance(node, kinds) and not node.name.startswith("_")
            if public and not ast.get_docstring(node):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert not missing, "\n".join(missing)
