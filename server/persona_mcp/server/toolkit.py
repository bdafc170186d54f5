"""Shared pieces of the MCP adapter: tool annotations, error translation and result shaping."""

from __future__ import annotations

import functools
import inspect
import json
import typing
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, ConfigDict, PydanticUserError, ValidationError, create_model

from persona_mcp.errors import PersonaMCPError

P = ParamSpec("P")
R = TypeVar("R")

READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False, destructive_hint=False)
"""Every tool here computes from its arguments and the shipped data: nothing is changed, nothing is fetched."""


def domain_errors(fn: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Run a light synchronous tool function on the event loop, turning core errors into tool errors.

    The SDK runs a plain `def` tool on a worker thread; our light tools compute from bounded arguments in
    well under a millisecond, less than the hop itself, so they are served as `async def` instead. The core's
    deliberate errors (`PersonaMCPError`) become `ToolError`s: a result with `isError` whose text names the
    argument, which the model can read and act on.
    """

    @functools.wraps(fn)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except PersonaMCPError as exc:
            raise ToolError(str(exc)) from exc

    return run


def threaded_domain_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Like `domain_errors`, but the function stays synchronous, so the SDK runs it on a worker thread.

    For tools whose work grows with their input (a long task, a large catalog): the event loop keeps
    answering other requests and health checks while one of them runs.
    """

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except PersonaMCPError as exc:
            raise ToolError(str(exc)) from exc

    return run


def tool_result(model: BaseModel | dict[str, Any], text: str) -> CallToolResult:
    """A tool result whose structured content is `model` and whose text is `text` (for people and old clients).

    A dict is a model already dumped and shaped by the caller (fields left out for a shorter answer).
    """
    structured = model if isinstance(model, dict) else model.model_dump(mode="json")
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)


OUTPUT_ONLY_KEYWORDS = frozenset({"description", "required", "additionalProperties"})
"""Keywords an output schema can do without: results are produced by our own models, never by the client."""


def compact_schema(schema: Any, *, output: bool = False) -> Any:
    """The same JSON schema in fewer bytes: an assistant pays for every byte of tools/list in its context.

    Drops the `title` keyword (pydantic derives it from the field name, so it says nothing new) and
    `additionalProperties: true` (the default: any object is open unless it says otherwise). In an input
    schema an optional argument is simply optional: `anyOf: [X, {type: null}]` becomes X and a `default` of
    null goes (the argument is left out instead; strict clients reject a `null` type union). In an output
    schema the union stays, folded into `type: [T, "null"]`, and field descriptions, `required` and
    `additionalProperties` go: an output schema then still gives every field's name and type, the field
    names and each result's text summary explain them, and a result that met the full schema meets this one.
    Property names are never touched, so a field called `title` survives.
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
        if key == "additionalProperties" and value is True:
            continue  # JSON Schema's default: saying it costs bytes and tells nothing
        if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
            out[key] = {name: compact_schema(sub, output=output) for name, sub in value.items()}
        else:
            out[key] = compact_schema(value, output=output)
    options = out.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        other = options[0] if options[1] == {"type": "null"} else options[1]
        if not output and isinstance(other, dict):
            del out["anyOf"]
            if out.get("default", "") is None:
                del out["default"]
            return {**other, **out}
        if isinstance(other, dict) and set(other) == {"type"} and isinstance(other["type"], str):
            del out["anyOf"]
            out["type"] = [other["type"], "null"]
    return out


MAX_SHOWN_CHARS = 60
"""How much of a rejected value an error message repeats: enough to recognise it, never a whole payload."""

_JSON_TYPES = {"number": "a number", "integer": "a whole number", "string": "a string", "boolean": "true or false"}
_JSON_TYPES |= {"object": "an object", "array": "a list", "null": "null"}


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 3] + "..."


def _expected(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "a valid value"
    if "enum" in schema:
        return "one of " + ", ".join(_shown(v) for v in schema["enum"])
    options = schema.get("anyOf")
    if isinstance(options, list):
        named = [_expected(o) for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
        return " or ".join(dict.fromkeys(named)) or "null"
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return " or ".join(_JSON_TYPES.get(str(k), str(k)) for k in kinds if k != "null") or "a valid value"


class ArgumentCheck:
    """A tool's arguments checked strictly against the JSON schema it publishes, before the SDK sees them.

    `true` is no number, "99.9" is no number, an argument the tool does not take is refused (rather than
    ignored, as the SDK would), and the message says what the argument accepts instead of a validation dump
    with internal model names.

    Given the tool's function, arguments are first validated against its signature in pydantic's strict mode
    with unknown arguments forbidden, which accepts nothing the schema refuses (an explicit null, which the
    published schema does not allow, always goes on to the schema). Arguments it accepts need no more; the
    rest go to jsonschema, which decides and words the error. Well-formed calls, nearly all of them, so
    never load jsonschema, and a server stays some 3 MB smaller.
    """

    def __init__(self, schema: dict[str, Any], fn: Callable[..., Any] | None = None) -> None:
        self.schema = schema
        self._strict = _strict_model(fn) if fn is not None else None
        self._validator: Any = None

    @property
    def has_fast_path(self) -> bool:
        """Whether well-formed arguments are accepted without jsonschema (a model of the signature was built)."""
        return self._strict is not None

    def problem(self, arguments: dict[str, Any]) -> str | None:
        """The first way `arguments` break the schema, as one line naming the argument, or None."""
        if self._strict is not None and None not in arguments.values():
            try:
                self._strict.model_validate(arguments)
            except ValidationError:
                pass
            else:
                return None
        import jsonschema

        if self._validator is None:
            self._validator = jsonschema.Draft202012Validator({**self.schema, "additionalProperties": False})
        error = jsonschema.exceptions.best_match(self._validator.iter_errors(arguments))
        return None if error is None else _describe(error, self.schema, arguments)


def _strict_model(fn: Callable[..., Any]) -> type[BaseModel] | None:
    """A strict model of `fn`'s keyword arguments (unknown ones forbidden), or None when it cannot be built."""
    target = inspect.unwrap(fn)
    try:
        hints = typing.get_type_hints(target, include_extras=True)
        parameters = inspect.signature(target).parameters.values()
    except (NameError, TypeError, ValueError):
        return None
    fields: dict[str, Any] = {}
    for parameter in parameters:
        if parameter.kind not in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY):
            return None
        default = ... if parameter.default is parameter.empty else parameter.default
        fields[parameter.name] = (hints.get(parameter.name, Any), default)
    try:
        return create_model(
            f"{target.__name__}_strict_arguments",
            __config__=ConfigDict(strict=True, extra="forbid", arbitrary_types_allowed=True),
            **fields,
        )
    except (TypeError, ValueError, PydanticUserError):
        return None


def argument_errors(schema: dict[str, Any], arguments: dict[str, Any]) -> str | None:
    """The first way `arguments` break a tool's input `schema`, as one line naming the argument, or None."""
    return ArgumentCheck(schema).problem(arguments)


def _describe(error: Any, schema: dict[str, Any], arguments: dict[str, Any]) -> str:
    path = ".".join(str(part) for part in error.absolute_path)
    accepted = ", ".join(schema.get("properties", {}))
    if error.validator == "additionalProperties":
        unknown = sorted(set(arguments) - set(schema.get("properties", {})))
        return f"{unknown[0] if unknown else '(arguments)'}: unknown argument; accepted: {accepted}"
    if error.validator == "required":
        missing = next(iter(n for n in error.validator_value if n not in error.instance), "")
        where = f"{path}.{missing}" if path else str(missing)
        return f"{where}: is required"
    name = path or "(arguments)"
    shown = _shown(error.instance)
    if error.validator in ("type", "anyOf", "oneOf", "enum"):
        described = error.schema.get("description") if isinstance(error.schema, dict) else None
        hint = f" ({described if len(described) <= 120 else described[:117] + '...'})" if described else ""
        return f"{name}: must be {_expected(error.schema)}, got {shown}{hint}"
    bounds = {
        "minimum": "at least",
        "maximum": "at most",
        "exclusiveMinimum": "more than",
        "exclusiveMaximum": "less than",
    }
    if error.validator in bounds:
        return f"{name}: must be {bounds[str(error.validator)]} {error.validator_value}, got {shown}"
    if error.validator in ("maxLength", "minLength"):
        size = "at most" if error.validator == "maxLength" else "at least"
        return f"{name}: must be {size} {error.validator_value} characters, got {len(error.instance)}"
    if error.validator in ("maxItems", "minItems"):
        size = "at most" if error.validator == "maxItems" else "at least"
        return f"{name}: must hold {size} {error.validator_value} items, got {len(error.instance)}"
    return f"{name}: {error.message[:200]}"


def validation_message(exc: ValidationError) -> str:
    """A pydantic ValidationError as the project's one line: `path: what is wrong`, no model names or links."""
    first = exc.errors(include_url=False)[0]
    path = ".".join(str(part) for part in first["loc"]) or "(arguments)"
    more = len(exc.errors()) - 1
    suffix = f" (and {more} more)" if more else ""
    if first["type"] == "missing":
        return f"{path}: is required{suffix}"
    return f"{path}: {first['msg']}, got {_shown(first.get('input'))}{suffix}"
