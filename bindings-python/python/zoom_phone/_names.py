"""Python names of operations, groups and parameters: the same derivation
as the code generator's (tools/codegen/src/names.rs), so the generated stubs
and the runtime agree."""

from __future__ import annotations

import keyword
import re

_CHUNKS = re.compile(r"[^A-Za-z0-9']+")


def words(name: str) -> list[str]:
    out: list[str] = []
    for raw in _CHUNKS.split(name):
        chunk = raw.replace("'", "")
        word = ""
        for i, c in enumerate(chunk):
            prev = chunk[i - 1] if i > 0 else ""
            nxt = chunk[i + 1] if i + 1 < len(chunk) else ""
            boundary = c.isascii() and c.isupper() and (
                (prev != "" and (prev.islower() or prev.isdigit()))
                or (prev != "" and prev.isupper() and nxt != "" and nxt.islower())
            )
            if boundary and word:
                out.append(word)
                word = ""
            word += c
        if word:
            out.append(word)
    return out


def snake_case(name: str) -> str:
    return "_".join(w.lower() for w in words(name))


def param_name(spec_name: str) -> str:
    """A parameter's keyword: snake_case, with ``_`` after a Python keyword
    (``from`` -> ``from_``)."""
    name = snake_case(spec_name)
    return name + "_" if keyword.iskeyword(name) or name == "body" else name


def param_names(spec_names: list[str]) -> list[str]:
    """The keywords of an operation's parameters. A camelCase path parameter
    whose snake_case form is also a query parameter (``siteId`` and
    ``site_id``) keeps its spec name, so both stay reachable."""
    out = []
    for n in spec_names:
        py = param_name(n)
        out.append(n if py != n and py in spec_names else py)
    return out
