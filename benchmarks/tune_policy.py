"""Fit the decision policy's confidence model on the TUNE half of the evaluation questions.

    python benchmarks/tune_policy.py [--false-cost 4] [--write]

Ranks every tune question once with the shipped engine. For each question that passes
the hard rules, the best candidate's named features (bot/qa/policy.py FEATURES) become
one example: right (an answerable question whose best fact has the expected keywords)
or wrong (a must-refuse question, or the wrong fact). A logistic regression is fitted
with wrong examples weighted `false-cost` times, because a wrong answer is worse than
an honest "I don't know"; then the answer threshold that maximises accuracy minus
`false-cost` × false answers is chosen. `--write` stores both in data/policy.yaml.
Never run it on the held-out half.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.kb.loader import load_directory  # noqa: E402
from bot.qa.engine import Engine  # noqa: E402
from bot.qa.evaluation import is_correct, load_split  # noqa: E402
from bot.qa.policy import FEATURES, shipped_policy  # noqa: E402
from bot.settings import default_knowledge_dir  # noqa: E402

POLICY_FILE = ROOT / "bot" / "qa" / "data" / "policy.yaml"
CHOICE_GAP = 0.2  # choices are offered this far below the answer threshold


def examples(engine: Engine) -> tuple[list[tuple[dict[str, float], bool]], int]:
    """(features, right) for every tune question the hard rules let through."""
    items = load_split(ROOT / "tests" / "eval" / "tune")
    found = []
    for item in items:
        explanation = engine.explain(item.question)
        decision = explanation.decision
        if decision.features is None or decision.best is None:
            continue  # decided by a hard rule: not the model's business
        answer = engine.answer_with(decision.best, item.question)
        found.append((decision.features, item.expect is not None and is_correct(item, answer)))
    return found, len(items)


def fit(data: list[tuple[dict[str, float], bool]], false_cost: float) -> tuple[list[float], float]:
    """Weighted logistic regression by gradient descent, with a little L2."""
    weights, bias = [0.0] * len(FEATURES), 0.0
    rows = [([f[name] for name in FEATURES], right) for f, right in data]
    rate, l2 = 0.5, 1e-3
    for _ in range(3000):
        grad, grad_bias, total = [0.0] * len(FEATURES), 0.0, 0.0
        for x, right in rows:
            z = bias + sum(w * v for w, v in zip(weights, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            weight = 1.0 if right else false_cost
            error = (p - (1.0 if right else 0.0)) * weight
            for i, v in enumerate(x):
                grad[i] += error * v
            grad_bias += error
            total += weight
        weights = [w - rate * (g / total + l2 * w) for w, g in zip(weights, grad, strict=True)]
        bias -= rate * grad_bias / total
    return weights, bias


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--false-cost", type=float, default=4.0)
    parser.add_argument("--write", action="store_true", help="store the result in policy.yaml")
    args = parser.parse_args()
    kb = load_directory(default_knowledge_dir()).knowledge
    assert kb is not None
    engine = Engine(kb)
    data, total = examples(engine)
    weights, bias = fit(data, args.false_cost)
    policy = shipped_policy()
    fitted = dict(zip(FEATURES, weights, strict=True))
    scored = sorted(
        (
            1.0 / (1.0 + math.exp(-(bias + sum(fitted[n] * f[n] for n in FEATURES)))),
            right,
        )
        for f, right in data
    )
    # Questions the hard rules refuse, and model-refused ones, are right when they
    # must be refused; the threshold only moves answers between right and false.
    best = (-math.inf, 0.5, 0, 0)
    for threshold in [t / 100 for t in range(30, 96)]:
        answered = [right for p, right in scored if p >= threshold]
        right, false = sum(answered), len(answered) - sum(answered)
        objective = right - args.false_cost * false
        if objective > best[0]:
            best = (objective, threshold, right, false)
    _, threshold, right, false = best
    print(f"{len(data)} of {total} tune questions reach the model")
    print(
        "weights: " + ", ".join(f"{n} {w:+.2f}" for n, w in fitted.items()) + f", bias {bias:+.2f}"
    )
    print(f"answer threshold {threshold:.2f}: {right} right answers, {false} false answers")
    if args.write:
        text = POLICY_FILE.read_text(encoding="utf-8")
        document = yaml.safe_load(text)
        document["weights"] = {n: round(w, 3) for n, w in fitted.items()}
        document["bias"] = round(bias, 3)
        document["answer_confidence"] = threshold
        document["choice_confidence"] = round(max(0.05, threshold - CHOICE_GAP), 2)
        _write(text, document)
        print(f"written to {POLICY_FILE.relative_to(ROOT)} (was {policy.answer_confidence})")
    return 0


def _write(text: str, document: dict[str, object]) -> None:
    """Rewrite the numbers in place so the file's comments stay."""
    lines = text.splitlines()
    out: list[str] = []
    in_weights = False
    for line in lines:
        key = line.split(":", 1)[0].strip()
        if line.startswith("weights:"):
            in_weights = True
            out.append(line)
            continue
        if in_weights and line.startswith("  ") and key in document["weights"]:  # type: ignore[operator]
            out.append(f"  {key}: {document['weights'][key]}")  # type: ignore[index]
            continue
        in_weights = in_weights and line.startswith("  ")
        if not line.startswith((" ", "#")) and key in (
            "bias",
            "answer_confidence",
            "choice_confidence",
        ):
            out.append(f"{key}: {document[key]}")
            continue
        out.append(line)
    POLICY_FILE.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
