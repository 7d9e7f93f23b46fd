"""YAML read with line numbers, and pydantic errors turned into `path:line: message` lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError


def plain(node: Any) -> Any:
    """Turn ruamel's round-trip nodes into plain Python values for pydantic."""
    if isinstance(node, Mapping):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def line_of(node: Any, loc: Sequence[int | str]) -> int:
    """The 1-based line of the deepest part of ``loc`` that exists in the YAML tree."""
    line = 1
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    return line


def parse_yaml(text: str) -> tuple[Any, tuple[int, str] | None]:
    """(tree, None), or (None, (line, message)) when the text is not valid YAML."""
    try:
        return YAML(typ="rt").load(text), None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        return None, (line, f"YAML syntax: {what}")
    except YAMLError as exc:
        return None, (1, f"YAML syntax: {exc}")


def validate(raw: Any, model: Any) -> tuple[Any, list[tuple[int, str]]]:
    """(value, []) when ``raw`` fits ``model``, else (None, [(line, message), ...])."""
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    try:
        return adapter.validate_python(plain(raw)), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            where = ".".join(str(p) for p in loc if p != "[key]")
            message = error["msg"]
            if error["type"] == "extra_forbidden":
                message = f"unknown key '{loc[-1]}'"
            elif error["type"] == "missing":
                message = f"missing key '{loc[-1]}'"
            elif where:
                message = f"{where}: {message}"
            problems.append((line_of(raw, loc), message))
        return None, problems
