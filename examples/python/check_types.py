"""Why this file exists: keeps sepay_invoice/types.py in step with schema/*.json. Each TypedDict is
compared with its schema object: the same keys, the same required keys, and the same values
wherever the schema names them (enum, const, Literal). Prints what differs and exits 1; the
test in test/languages/ runs it, so `npm run schemas` changing a shape fails until types.py follows.

    python examples/python/check_types.py
"""

import json
import sys
import typing
from pathlib import Path

from typing_extensions import get_args, get_origin, get_type_hints, is_typeddict

sys.path.insert(0, str(Path(__file__).parent))
from sepay_invoice import types as t  # noqa: E402

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema"


def load(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8"))


def literal_values(annotation) -> "set | None":
    """The values a Literal (possibly inside Optional or a list) allows; None when it is no Literal."""
    if get_origin(annotation) is typing.Literal:
        return set(get_args(annotation))
    if get_origin(annotation) in (typing.Union, list, typing.List):
        for arg in get_args(annotation):
            found = literal_values(arg)
            if found is not None:
                return found
    return None


def schema_values(node: dict) -> "set | None":
    if "const" in node:
        return {node["const"]}
    if "enum" in node:
        return set(node["enum"])
    return None


def compare(typed_dict, node: dict, where: str, problems: list) -> None:
    hints = get_type_hints(typed_dict)
    properties = node.get("properties", {})
    ours, theirs = set(hints), set(properties)
    for key in sorted(theirs - ours):
        problems.append(f"{where}: {typed_dict.__name__} lacks '{key}'")
    for key in sorted(ours - theirs):
        problems.append(f"{where}: {typed_dict.__name__} has '{key}', which the schema does not")
    required = set(node.get("required", []))
    for key in sorted((required ^ set(typed_dict.__required_keys__)) & ours & theirs):
        problems.append(f"{where}.{key}: required in {'the schema' if key in required else typed_dict.__name__} only")
    for key in sorted(ours & theirs):
        prop = properties[key]
        if prop.get("type") == "array" and "items" in prop:
            prop = prop["items"]
        expected, actual = schema_values(prop), literal_values(hints[key])
        if expected is not None and actual is not None and expected != actual:
            problems.append(f"{where}.{key}: the schema allows {sorted(expected)}, {typed_dict.__name__} {sorted(actual)}")
        nested = [arg for arg in (hints[key], *get_args(hints[key])) if is_typeddict(arg)]
        if nested and "properties" in prop:
            compare(nested[0], prop, f"{where}.{key}", problems)


def main() -> int:
    problems: list = []
    issue_input = load("issue-invoice-input")
    compare(t.IssueInvoiceInput, issue_input, "input", problems)
    status = load("invoice-status")
    compare(t.InvoiceStatus, status, "status", problems)
    result = load("issue-invoice-result")
    for index, typed in enumerate((t.IssuedResult, t.CancelledResult)):
        compare(typed, result["oneOf"][index], f"result.oneOf[{index}]", problems)
        compare(typed, status["properties"]["result"]["oneOf"][index], f"status.result.oneOf[{index}]", problems)
    for problem in problems:
        print(problem)
    print(f"types.py {'differs from' if problems else 'matches'} schema/ ({len(problems)} problems)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
