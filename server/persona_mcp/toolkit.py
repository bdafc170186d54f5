"""Shared pieces of the MCP adapter: tool annotations, error translation and result shaping."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, ParamSpec, TypeVar

import anyio.to_thread
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel

from persona_mcp.errors import PersonaMCPError

P = ParamSpec("P")
R = TypeVar("R")

READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False, destructive_hint=False)
"""Every tool here computes from its arguments and the shipped data: nothing is changed, nothing is fetched."""


Offload = Callable[[Mapping[str, Any]], bool]
"""Given a call's keyword arguments, whether it may be heavy enough to belong on a worker thread."""


def tool_body(*, offload: Offload | None = None) -> Callable[[Callable[P, R]], Callable[P, Coroutine[Any, Any, R]]]:
    """Wrap a synchronous tool function: run it on the event loop and turn core errors into tool errors.

    The SDK runs a plain `def` tool on a worker thread. Our tools compute from bounded arguments in tens to
    hundreds of microseconds, less than the thread hop itself (about 0.1 ms a call, measured in
    bench/PROFILE.md), and a worker thread adds no parallelism to CPU-bound Python anyway. So the function
    runs inline, unless `offload(kwargs)` says this call may be heavy (a first call that builds an index, a
    large catalog, a long text): then it runs on a worker thread and the event loop keeps serving other
    requests and health checks meanwhile.

    The core's deliberate errors (`PersonaMCPError`) become `ToolError`s: a result with `isError` whose text
    names the argument, which the model can read and act on.
    """

    def decorate(fn: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
        @functools.wraps(fn)
        async def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                if offload is not None and offload(kwargs):
                    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))
                return fn(*args, **kwargs)
            except PersonaMCPError as exc:
                raise ToolError(str(exc)) from exc

        return run

    return decorate


domain_errors = tool_body()
"""`tool_body()` for tools whose every call is light: always inline, core errors as tool errors."""


def tool_result(model: BaseModel, text: str) -> CallToolResult:
    """A tool result whose structured content is `model` and whose text is `text` (for people and old clients)."""
    return CallToolResult(
        content=[TextContent(type="text", text=text)], structured_content=model.model_dump(mode="json")
    )


OUTPUT_ONLY_KEYWORDS = frozenset({"description", "required", "additionalProperties"})
"""Keywords an output schema can do without: results are produced by our own models, never by the client."""


def compact_schema(schema: Any, *, output: bool = False) -> Any:
    """The same JSON schema in fewer bytes: an assistant pays for every byte of tools/list in its context.

    Drops the `title` keyword (pydantic derives it from the field name, so it says nothing new) and folds
    `anyOf: [{type: T}, {type: null}]` into `type: [T, "null"]`. With `output=True` it also drops field
    descriptions, `required` and `additionalProperties`: an output schema then still gives every field's
    name and type, the field names and each result's text summary explain them, and a result that met the
    full schema meets this one. Property names are never touched, so a field called `title` survives.
    """
    if isinstance(schema, list):
        return [compact_schema(item, output=output) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" and isinstance(value, str):
            continue
        if output and key in OUTPUT_ONLY_KEYWORDS and not isinstance(value, dict):
            continue
        if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
            out[key] = {name: compact_schema(sub, output=output) for name, sub in value.items()}
        else:
            out[key] = compact_schema(value, output=output)
    options = out.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        other = options[0] if options[1] == {"type": "null"} else options[1]
        if isinstance(other, dict) and set(other) == {"type"} and isinstance(other["type"], str):
            del out["anyOf"]
            out["type"] = [other["type"], "null"]
    return out
