"""The import graph keeps its layers: nothing runs back up, so there is no cycle.

kb, storage, settings   the knowledge model and files; the database; configuration
qa                      answering (knows the knowledge model only)
app                     the knowledge service, the editor, gaps (no Discord code)
interface               Discord (client, exts, render, permissions, runner) and the CLI
"""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"

LAYERS = {
    "kb": {"kb"},
    "storage": {"storage"},
    "settings": set(),
    "qa": {"qa", "kb"},
    "app": {"app", "qa", "kb", "storage"},
}
"""What each lower layer may import; every other module is the interface layer, which may
import anything but is imported by nothing below it."""


def _layer(module: str) -> str:
    top = module.split(".")[0]
    return top if top in LAYERS else "interface"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot."):
            found.add(node.module.removeprefix("bot."))
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("bot.") for a in node.names if a.name.startswith("bot.")}
    return found


def test_no_import_runs_back_up_a_layer() -> None:
    wrong = []
    for path in sorted(BOT.rglob("*.py")):
        module = ".".join(path.relative_to(BOT).with_suffix("").parts)
        layer = _layer(module)
        if layer == "interface":
            continue
        for imported in _imports(path):
            if _layer(imported) not in LAYERS[layer]:
                wrong.append(f"bot.{module} ({layer}) imports bot.{imported}")
    assert not wrong, "\n".join(wrong)


def test_the_answering_core_knows_nothing_about_discord() -> None:
    for package in ("kb", "qa", "app", "storage"):
        for path in (BOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
            assert not any(n.split(".")[0] == "discord" for n in names), path
