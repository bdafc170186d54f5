"""The MCP adapter: registers the catalog's personas as prompts, the core's functions as tools, and the
briefs and templates as resources. Domain work stays in the core; this module only wires and translates.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

from mcp.server import MCPServer
from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp.server.mcpserver.prompts.base import Message, Prompt, UserMessage
from mcp.server.mcpserver.resources import TextResource
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    CallToolResult,
    Completion,
    CompletionArgument,
    CompletionContext,
    EmptyResult,
    GetPromptResult,
    InputRequiredResult,
    PromptReference,
    ResourceTemplateReference,
    SetLevelRequestParams,
)
from mcp_types import Tool as MCPTool
from pydantic import Field, validate_call

from persona_mcp import __version__
from persona_mcp.catalog import Catalog
from persona_mcp.data import read_text, resource_path
from persona_mcp.errors import PersonaMCPError
from persona_mcp.model import Persona
from persona_mcp.render import complete_focus, persona_markdown, persona_prompt
from persona_mcp.toolkit import READ_ONLY, compact_schema, domain_errors, tool_result
from persona_mcp.views import (
    PersonaDocument,
    PersonaFormat,
    PersonaList,
    list_personas,
    persona_document,
    persona_json,
    roster_markdown,
)

P = ParamSpec("P")
R = TypeVar("R")

logger = logging.getLogger(__name__)

ROSTER_URI = "persona-mcp://roster"
TEMPLATE_URI = "persona-mcp://templates/{name}"
MAX_COMPLETIONS = 100

SubjectArg = Annotated[str, Field(description="The code, diff, design or question to review.")]
FocusArg = Annotated[str | None, Field(description="One of the persona's responsibilities to concentrate on.")]
ContextArg = Annotated[str | None, Field(description="Service tier, language, constraints.")]


TOOLS_LISTING = "tools-listing.json"
"""The compacted tools/list, shipped in resources/ so a server can list its tools before registering them."""


def compact_listing(tools: list[MCPTool]) -> list[MCPTool]:
    """tools/list as published: schemas compacted (see `compact_schema`), output schemas names and types only."""
    return [
        tool.model_copy(
            update={
                "input_schema": compact_schema(tool.input_schema),
                "output_schema": compact_schema(tool.output_schema, output=True),
            }
        )
        for tool in tools
    ]


def shipped_tools_listing() -> list[MCPTool] | None:
    """The listing in resources/tools-listing.json, or None when the file is not there."""
    path = resource_path(TOOLS_LISTING)
    if not path.is_file():
        return None
    return [MCPTool.model_validate(item) for item in json.loads(read_text(path))]


class PersonaServer(MCPServer):
    """MCPServer that starts fast and lists its tools compactly.

    Most tools live in modules whose pydantic models and schemas take a noticeable share of a cold start
    to build. Each module's tools are registered on the first call of one of them; until then tools/list
    answers from the listing shipped in resources/ (a test keeps it equal to what registering the tools
    produces, and `write_tools_listing` regenerates it). Either way the listing is computed once and
    compacted; arguments are validated against the full input schema, and results by the core's models
    (see `validate_results_where_built`).
    """

    _tools_listing: list[MCPTool] | None = None
    _deferred_tools: dict[str, Callable[[], None]] | None = None
    _output_models: dict[str, Any] | None = None

    def defer_tools(self, registrations: Mapping[str, Callable[[], None]]) -> None:
        """Register tools on first use, if a shipped listing can answer tools/list until then.

        `registrations` maps each tool name to the function that registers it (and the other tools of its
        module): the first call of any of them runs that function once.
        """
        self._deferred_tools = dict(registrations)
        if shipped_tools_listing() is None:
            self.load_deferred_tools()

    def load_deferred_tools(self, name: str | None = None) -> None:
        """Register the deferred tools: those registered with the tool called `name`, or all of them."""
        deferred = self._deferred_tools
        if not deferred:
            return
        if name is None:
            wanted = list(dict.fromkeys(deferred.values()))  # each module once, in listing order
        elif name in deferred:
            wanted = [deferred[name]]
        else:
            return  # not a deferred tool: the SDK answers for it
        for register in wanted:
            register()
        self._deferred_tools = {tool: r for tool, r in deferred.items() if r not in wanted}
        self.validate_results_where_built()

    def validate_results_where_built(self) -> None:
        """Publish each tool's output schema but leave its results to the validation they already had.

        Every tool of this package (OWN_TOOLS) returns `tool_result(model, text)`: structured content dumped
        from a pydantic model the core built, validated when built (the roster matrix, computed here, is
        built unvalidated). The SDK would validate that dump against the same
        model again on every call, which costs about 12 µs per KB of result (60 µs for a readiness review).
        The SDK reads a tool's metadata on each call and publishes a schema without a model unvalidated, so
        the model moves to `output_models`, where tests/test_schemas.py validates every tool's sample result
        against it.
        """
        models = self._output_models if self._output_models is not None else {}
        # The tool manager and a tool's metadata are the SDK's internals: if a release moves them, results
        # stay validated by the SDK, only slower.
        manager: Any = getattr(self, "_tool_manager", None)
        for tool in manager.list_tools() if manager is not None else []:
            if tool.name not in OWN_TOOLS:  # a tool added by someone else may not return a CallToolResult
                continue
            metadata: Any = getattr(tool, "fn_metadata", None)
            model = getattr(metadata, "output_model", None)
            if model is not None and getattr(metadata, "output_schema", None) is not None:
                models[tool.name] = model
                metadata.output_model = None
        self._output_models = models

    @property
    def output_models(self) -> dict[str, Any]:
        """The output model of each registered tool, by tool name (what its structured results are built from)."""
        return dict(self._output_models or {})

    async def list_tools(self) -> list[MCPTool]:
        if self._tools_listing is None:
            shipped = shipped_tools_listing() if self._deferred_tools is not None else None
            self._tools_listing = shipped or compact_listing(await super().list_tools())
        return self._tools_listing

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        self.load_deferred_tools(name)
        return await super().call_tool(name, arguments, context)

    def _tool_input_schema(self, name: str) -> dict[str, Any] | None:
        # The SDK looks a tool's input schema up before the call (to check Mcp-Param headers on HTTP).
        self.load_deferred_tools(name)
        return super()._tool_input_schema(name)

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Any = None
    ) -> GetPromptResult | InputRequiredResult:
        # The SDK answers an unknown prompt with code 0 and logs a traceback at ERROR, which any client could
        # use to flood the log; an unknown name is the caller's mistake: invalid params, listing the known ones.
        if self._prompt_manager.get_prompt(name) is None:
            known = ", ".join(p.name for p in self._prompt_manager.list_prompts())
            shown = name if len(name) <= 80 else name[:77] + "..."
            raise MCPError(INVALID_PARAMS, f"unknown prompt {shown!r}; known prompts: {known}")
        return await super().get_prompt(name, arguments, context)


class PersonaPrompt(Prompt):
    """A prompt whose argument errors reach the client as clear protocol errors.

    The SDK reports a missing or mistyped prompt argument as an internal error; checking the arguments
    here first gives the client a message that names the argument and the accepted ones.
    """

    async def render(self, arguments: dict[str, Any] | None, context: Any) -> Any:
        given = arguments or {}
        accepted = [a.name for a in self.arguments or []]
        unknown = sorted(set(given) - set(accepted))
        if unknown:
            raise MCPError(INVALID_PARAMS, f"{unknown[0]}: unknown argument; accepted: {', '.join(accepted)}")
        for arg in self.arguments or []:
            value = given.get(arg.name)
            if value is None and arg.required:
                raise MCPError(INVALID_PARAMS, f"{arg.name}: is required ({arg.description})")
            if value is not None and not isinstance(value, str):
                raise MCPError(INVALID_PARAMS, f"{arg.name}: must be a string, got {type(value).__name__}")
        return await super().render(arguments, context)


def user_message(build: Callable[[], str]) -> list[Message]:
    """The prompt text `build` returns as one user message; the core's errors become invalid-params errors.

    The SDK hides ordinary exceptions raised by prompt functions; a protocol error keeps the message, which
    names the argument and what it accepts.
    """
    try:
        return [UserMessage(build())]
    except PersonaMCPError as exc:
        raise MCPError(code=INVALID_PARAMS, message=str(exc)) from exc


def _render_for(persona: Persona) -> Callable[..., Awaitable[list[Message]]]:
    async def render(subject: SubjectArg, focus: FocusArg = None, context: ContextArg = None) -> list[Message]:
        return user_message(lambda: persona_prompt(persona, subject, focus, context))

    return render


def persona_prompts(catalog: Catalog) -> list[Prompt]:
    """One prompt per persona. They share one signature, so the SDK derives the argument schema once and
    each persona gets a copy with its own name and function (a thousand personas build in a tenth of the time).
    """
    personas = list(catalog)
    if not personas:
        return []
    first = personas[0]
    template = PersonaPrompt.from_function(
        _render_for(first), name=first.id, title=first.name, description=first.summary
    )
    return (
        [template]
        + [
            template.model_copy(
                update={
                    "name": p.id,
                    "title": p.name,
                    "description": p.summary,
                    "fn": validate_call(_render_for(p)),  # as Prompt.from_function wraps it
                }
            )
            for p in personas[1:]
        ]
    )


def _readiness_prompt() -> Prompt:
    async def render(
        subject: Annotated[str, Field(description="The service's code, design or description.")],
        tier: Annotated[str | None, Field(description="critical, standard, internal or prototype.")] = None,
    ) -> list[Message]:
        from persona_mcp.readiness import readiness_prompt

        return user_message(lambda: readiness_prompt(subject, tier))

    return PersonaPrompt.from_function(
        render,
        name="sre-readiness",
        title="Production readiness review",
        description="Gather a service's facts from its code and design, then run the sre_readiness review.",
    )


def _panel_prompt(catalog: Catalog) -> Prompt:
    async def render(
        subject: SubjectArg,
        personas: Annotated[
            str | None, Field(description="Persona ids, comma-separated (default: recommended).")
        ] = None,
    ) -> list[Message]:
        from persona_mcp.panel import panel_prompt

        chosen = [p.strip() for p in personas.split(",") if p.strip()] if personas else None
        return user_message(lambda: panel_prompt(catalog, subject, chosen))

    return PersonaPrompt.from_function(
        render,
        name="panel",
        title="Review panel",
        description="Several personas review one subject, each in its own format, then reconcile.",
    )


def template_names() -> list[str]:
    """Names of the Markdown templates shipped in resources/templates/."""
    return sorted(p.stem for p in resource_path("templates").glob("*.md"))


SLO_TOOLS = (
    "slo_error_budget",
    "slo_budget_status",
    "slo_burn_rate_alerts",
    "availability_composite",
    "capacity_forecast",
    "toil_assessment",
    "oncall_load",
)
REVIEW_TOOLS = ("sre_readiness",)
ROSTER_TOOLS = ("persona_overlap", "recommend_personas")
"""The tools each deferred module registers (tests/test_server.py checks these against the modules)."""
OWN_TOOLS = frozenset({"list_personas", "get_persona", *SLO_TOOLS, *REVIEW_TOOLS, *ROSTER_TOOLS})
"""Every tool this package registers; each returns `tool_result(model, text)`."""


def _sre_tool_registrations(app: MCPServer, catalog: Catalog) -> dict[str, Callable[[], None]]:
    """For each SRE math, readiness and roster tool, what imports and registers it (with its module's
    other tools), in listing order: a first call pays for its own module only."""

    def slo() -> None:
        from persona_mcp.tools_slo import register_slo_tools

        register_slo_tools(app)

    def review() -> None:
        from persona_mcp.tools_review import register_review

        register_review(app)

    def roster() -> None:
        from persona_mcp.tools_roster import register_roster_tools

        register_roster_tools(app, catalog)

    modules: list[tuple[tuple[str, ...], Callable[[], None]]] = [
        (SLO_TOOLS, slo),
        (REVIEW_TOOLS, review),
        (ROSTER_TOOLS, roster),
    ]
    return {name: register for names, register in modules for name in names}


async def full_tools_listing(catalog: Catalog) -> list[MCPTool]:
    """What tools/list publishes once every tool is registered (the source of the shipped listing)."""
    app = build_server(catalog)
    app.load_deferred_tools()
    return compact_listing(await MCPServer.list_tools(app))


def write_tools_listing(catalog: Catalog) -> Path:
    """Regenerate resources/tools-listing.json after changing a tool: `python -m persona_mcp.server`."""
    import anyio

    listing = anyio.run(full_tools_listing, catalog)
    path = resource_path(TOOLS_LISTING)
    dumped = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in listing]
    path.write_text(json.dumps(dumped, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def build_server(catalog: Catalog) -> PersonaServer:
    """An MCP server over `catalog`. Building it performs no I/O beyond reading the shipped data files."""
    app = PersonaServer(
        name="persona-mcp",
        title="Engineering personas and SRE tools",
        version=__version__,
        instructions=read_text(resource_path("prompts", "instructions.md")).strip(),
        log_level="WARNING",
    )

    for prompt in persona_prompts(catalog):
        app.add_prompt(prompt)
    for persona in catalog:
        app.add_resource(
            TextResource(
                uri=f"persona://{persona.id}",
                name=persona.id,
                title=persona.name,
                description=persona.summary,
                mime_type="text/markdown",
                text=persona_markdown(persona),
            )
        )

    @app.resource("persona://{persona_id}", name="persona", title="Persona brief", mime_type="text/markdown")
    def persona_brief(persona_id: str) -> str:
        """A persona's full brief as Markdown."""
        try:
            return persona_markdown(catalog.get(persona_id))
        except PersonaMCPError as exc:
            raise ResourceNotFoundError(str(exc)) from exc

    app.add_resource(
        TextResource(
            uri=ROSTER_URI,
            name="roster",
            title="Persona roster",
            description="Every persona with its id, category and when to call it.",
            mime_type="text/markdown",
            text=roster_markdown(catalog),
        )
    )
    for name in template_names():
        text = read_text(resource_path("templates", f"{name}.md"))
        heading = text.splitlines()[0].lstrip("# ").split(":")[0].strip() if text else name
        app.add_resource(
            TextResource(
                uri=TEMPLATE_URI.format(name=name),
                name=name,
                title=f"Template: {heading}",
                description=f"Markdown template: {heading.lower()}.",
                mime_type="text/markdown",
                text=text,
            )
        )

    roster_result = tool_result(list_personas(catalog), roster_markdown(catalog))  # the catalog is fixed

    @app.tool(name="list_personas", title="List personas", annotations=READ_ONLY)
    async def list_personas_tool() -> Annotated[CallToolResult, PersonaList]:
        """List the reviewer personas: id, name, category, when to call each, version and content hash."""
        return roster_result

    @app.tool(title="Get a persona", annotations=READ_ONLY)
    @domain_errors
    def get_persona(
        persona_id: Annotated[str, Field(description="A persona id from list_personas.", max_length=200)],
        format: Annotated[PersonaFormat, Field(description="markdown (the brief) or json (every field).")] = "markdown",
    ) -> Annotated[CallToolResult, PersonaDocument]:
        """Get one persona's brief, for clients that do not use prompts."""
        persona = catalog.get(persona_id)
        doc = persona_document(persona, format)
        return tool_result(doc, doc.markdown if doc.markdown is not None else persona_json(persona))

    @app.completion()  # type: ignore[untyped-decorator, no-untyped-call]  # the SDK leaves it unannotated
    async def complete(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        values: list[str] = []
        if isinstance(ref, PromptReference) and argument.name == "focus" and ref.name in catalog.personas:
            values = complete_focus(catalog.personas[ref.name], argument.value)
        elif isinstance(ref, ResourceTemplateReference) and argument.name == "persona_id":
            values = [pid for pid in catalog.ids if pid.startswith(argument.value.strip())]
        return Completion(values=values[:MAX_COMPLETIONS], total=len(values), has_more=len(values) > MAX_COMPLETIONS)

    app.validate_results_where_built()
    app.defer_tools(_sre_tool_registrations(app, catalog))
    app.add_prompt(_readiness_prompt())
    app.add_prompt(_panel_prompt(catalog))
    _accept_logging_level(app)
    return app


def _accept_logging_level(app: MCPServer) -> None:
    """Answer `logging/setLevel` (handshake-era clients send it; the SDK registers no handler by default).

    The server sends no log notifications, so there is nothing to filter: the request succeeds and the
    level is noted in the server's own log. The handler lives on the low-level server because MCPServer
    has no public hook for it.
    """

    async def set_level(ctx: ServerRequestContext[Any, Any], params: SetLevelRequestParams) -> EmptyResult:
        logger.info("client asked for log level %s", params.level)
        return EmptyResult()

    app._lowlevel_server.add_request_handler("logging/setLevel", SetLevelRequestParams, set_level)


if __name__ == "__main__":
    from persona_mcp.catalog import load_catalog

    print(f"wrote {write_tools_listing(load_catalog(include_builtin=True))}")
