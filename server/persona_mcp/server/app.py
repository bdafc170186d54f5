"""The MCP adapter: registers the catalog's personas as prompts, the core's functions as tools, and the
briefs and templates as resources. Domain work stays in the core; this module only wires and translates.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import anyio
from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.server.mcpserver.prompts.base import Message, Prompt, UserMessage
from mcp.server.mcpserver.resources import FunctionResource, TextResource
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
from pydantic import Field, ValidationError

from persona_mcp import __version__
from persona_mcp.catalog.agents import Entry
from persona_mcp.catalog.loader import Catalog
from persona_mcp.catalog.render import complete_focus, persona_markdown, persona_prompt
from persona_mcp.catalog.views import (
    DEFAULT_LIST_LIMIT,
    PersonaDocument,
    PersonaFormat,
    PersonaList,
    list_personas,
    persona_document,
    persona_list_markdown,
    roster_markdown,
)
from persona_mcp.data import read_text, resource_path
from persona_mcp.errors import InvalidArgument, PersonaMCPError
from persona_mcp.server.review_tools import register_review
from persona_mcp.server.roster_tools import register_roster_tools
from persona_mcp.server.slo_tools import register_slo_tools, register_slo_view_tools
from persona_mcp.server.toolkit import (
    READ_ONLY,
    ArgumentCheck,
    compact_schema,
    domain_errors,
    tool_result,
    validation_message,
)
from persona_mcp.server.ui import view_apps

P = ParamSpec("P")
R = TypeVar("R")

logger = logging.getLogger(__name__)

ROSTER_URI = "persona-mcp://roster"
TEMPLATE_URI = "persona-mcp://templates/{name}"
MAX_COMPLETIONS = 100
MAX_LISTINGS = 64
"""list_personas answers remembered (by category, query and limit); the oldest is forgotten past this."""

SubjectArg = Annotated[str, Field(description="The code, diff, design or question to review.")]
FocusArg = Annotated[str | None, Field(description="One of the persona's responsibilities to concentrate on.")]
ContextArg = Annotated[str | None, Field(description="Service tier, language, constraints.")]


MAX_ECHO_CHARS = 80
"""How much of an unknown name or URI an error message repeats."""


def _cut(text: str, limit: int = MAX_ECHO_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class PersonaServer(MCPServer):
    """MCPServer that lists its tools compactly and names the known prompts when asked for an unknown one.

    Both go through the SDK's public methods: `list_tools` compacts each schema once (an assistant pays for
    every byte of tools/list), and `get_prompt` checks the name against the prompts added through
    `add_prompt`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Set before the SDK's constructor, which adds the tools of any extension (MCP Apps) through add_tool.
        self._listing: list[MCPTool] | None = None
        self._checks: dict[str, ArgumentCheck] | None = None
        self._functions: dict[str, Callable[..., Any]] = {}
        self._prompt_names: list[str] = []
        super().__init__(*args, **kwargs)

    def add_tool(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().add_tool(fn, *args, **kwargs)
        self._functions[kwargs.get("name") or (args[0] if args else None) or fn.__name__] = fn
        self._listing = None
        self._checks = None

    def remove_tool(self, name: str) -> None:
        super().remove_tool(name)
        self._functions.pop(name, None)
        self._listing = None
        self._checks = None

    def select_tools(self, tools: Sequence[str] | None, exclude_tools: Sequence[str] = ()) -> None:
        """Keep only the tools a user chose (`--tools`), less the ones they excluded (`--exclude-tools`).

        Every tool's name, description and schema sits in the model's context on each turn; a user who never
        reviews SLOs need not pay for them. Names are checked, so a typo is an error, not a silent no-op.

        Raises:
            InvalidArgument: If a name is not a tool's, or the selection leaves no tool.
        """
        known = list(self._functions)
        for argument, names in (("--tools", tools or ()), ("--exclude-tools", exclude_tools)):
            for name in names:
                if name not in known:
                    raise InvalidArgument(argument, f"unknown tool {_cut(name)!r}; known tools: {', '.join(known)}")
        keep = set(known if tools is None else tools) - set(exclude_tools)
        if not keep:
            raise InvalidArgument("--tools", "the selection leaves no tool; keep at least one of " + ", ".join(known))
        for name in known:
            if name not in keep:
                self.remove_tool(name)

    async def argument_check(self, name: str) -> ArgumentCheck | None:
        """The strict check of tool `name`'s arguments (None for an unknown tool), built once per tool."""
        if self._checks is None:
            self._checks = {
                tool.name: ArgumentCheck(tool.input_schema, self._functions.get(tool.name))
                for tool in await super().list_tools()
            }
        return self._checks.get(name)

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        # Arguments are checked strictly against the tool's published schema first (no true for a number, no
        # argument the tool does not take), and any error names the argument and what it accepts in one line.
        check = self._checks.get(name) if self._checks is not None else await self.argument_check(name)
        if check is not None:
            problem = check.problem(arguments)
            if problem is not None:
                raise ToolError(problem)
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise ToolError(validation_message(exc.__cause__)) from exc.__cause__
            raise

    def add_prompt(self, prompt: Prompt) -> None:
        super().add_prompt(prompt)
        self._prompt_names.append(prompt.name)

    async def list_tools(self) -> list[MCPTool]:
        if self._listing is None:
            self._listing = [
                tool.model_copy(
                    update={
                        # A docstring's line breaks and indentation are bytes a model reads for nothing.
                        "description": " ".join(tool.description.split()) if tool.description else tool.description,
                        "input_schema": compact_schema(tool.input_schema),
                        "output_schema": compact_schema(tool.output_schema, output=True),
                    }
                )
                for tool in await super().list_tools()
            ]
        return self._listing

    async def read_resource(self, uri: Any, context: Any = None) -> Any:
        # The SDK repeats an unknown URI whole in the error's message and its data: a 1 MB URI came back twice.
        # Any URI is cut as prompt names are, and an unknown one is the caller's mistake (invalid params).
        try:
            return await super().read_resource(uri, context)
        except ResourceNotFoundError as exc:
            shown = _cut(str(uri))
            reason = "" if str(exc).startswith("Unknown resource") else f": {_cut(str(exc), 300)}"
            raise MCPError(INVALID_PARAMS, f"unknown resource {shown!r}{reason}", {"uri": shown}) from exc

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Any = None
    ) -> GetPromptResult | InputRequiredResult:
        # The SDK answers an unknown prompt with code 0 and logs a traceback at ERROR, which any client could
        # use to flood the log; an unknown name is the caller's mistake: invalid params, listing the known ones.
        if name not in self._prompt_names:
            shown = _cut(name)
            raise MCPError(INVALID_PARAMS, f"unknown prompt {shown!r}; known prompts: {', '.join(self._prompt_names)}")
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


def _render_for(persona: Entry) -> Callable[..., Awaitable[list[Message]]]:
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
    return [template] + [
        template.model_copy(
            update={
                "name": p.id,
                "title": p.name,
                "description": p.summary,
                # PersonaPrompt.render checks the arguments (known, required, strings) before calling it:
                # a validate_call wrapper per persona would cost 2 ms each, 0.7 s for 360 imported agents.
                "fn": _render_for(p),
            }
        )
        for p in personas[1:]
    ]


def _readiness_prompt() -> Prompt:
    async def render(
        subject: Annotated[str, Field(description="The service's code, design or description.")],
        tier: Annotated[str | None, Field(description="critical, standard, internal or prototype.")] = None,
    ) -> list[Message]:
        from persona_mcp.sre.readiness import readiness_prompt

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
        from persona_mcp.analysis.panel import panel_prompt

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


def build_server(
    catalog: Catalog,
    allowed_dirs: tuple[Path, ...] = (),
    tools: Sequence[str] | None = None,
    exclude_tools: Sequence[str] = (),
) -> PersonaServer:
    """An MCP server over `catalog`, reading repositories only inside `allowed_dirs` (none by default),
    publishing the tools named in `tools` (all when None) except those in `exclude_tools`.
    Building it performs no I/O beyond reading the shipped data files.

    Raises:
        InvalidArgument: If a tool name is unknown or the selection leaves no tool.
    """
    # The tools that come with a picture are bound to the MCP Apps extension, which the server takes whole at
    # construction; they are declared first.
    apps = view_apps()
    register_slo_view_tools(apps)
    register_review(apps, allowed_dirs)
    app = PersonaServer(
        extensions=[apps],
        name="persona-mcp",
        title="Engineering personas and SRE tools",
        version=__version__,
        instructions=read_text(resource_path("prompts", "instructions.md")).strip(),
        log_level="WARNING",
    )

    for prompt in persona_prompts(catalog):
        app.add_prompt(prompt)
    for persona in catalog:  # each brief is rendered when it is read, not for the listing
        app.add_resource(
            FunctionResource(
                uri=f"persona://{persona.id}",
                name=persona.id,
                title=persona.name,
                description=persona.summary,
                mime_type="text/markdown",
                fn=functools.partial(persona_markdown, persona),
            )
        )

    @app.resource("persona://{persona_id}", name="persona", title="Persona brief", mime_type="text/markdown")
    def persona_brief(persona_id: str) -> str:
        """A persona's full brief as Markdown."""
        try:
            return persona_markdown(catalog.get(persona_id))
        except PersonaMCPError as exc:
            raise ResourceNotFoundError(str(exc)) from exc

    @app.resource(ROSTER_URI, name="roster", title="Persona roster", mime_type="text/markdown")
    def roster() -> str:
        """Every persona with its id, category and when to call it."""
        return roster_markdown(catalog)  # on first read: an imported agent's category needs its concerns

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

    listings: dict[tuple[str | None, str | None, int], CallToolResult] = {}  # the catalog is fixed

    def listing(category: str | None, query: str | None, limit: int) -> CallToolResult:
        result = list_personas(catalog, category, query, limit)
        return tool_result(result, persona_list_markdown(result))

    @app.tool(name="list_personas", title="List personas", annotations=READ_ONLY)
    async def list_personas_tool(
        category: Annotated[str | None, Field(description="Only this category.", max_length=64)] = None,
        query: Annotated[str | None, Field(description="Words to find in id, name or summary.", max_length=500)] = None,
        limit: Annotated[int, Field(description="Most to return, 1 to 1000.")] = DEFAULT_LIST_LIMIT,
    ) -> Annotated[CallToolResult, PersonaList]:
        """List the personas (id, name, category, when to call, version, hash), with the total and categories."""
        key = (category, query, limit)
        if key not in listings:
            # The first listing of a large catalog derives imported agents' categories (seconds for a
            # thousand): on a worker thread, so the loop keeps answering. Repeats are answered from memory.
            try:
                found = await anyio.to_thread.run_sync(listing, category, query, limit)
            except PersonaMCPError as exc:
                raise ToolError(str(exc)) from exc
            if len(listings) >= MAX_LISTINGS:
                listings.pop(next(iter(listings)))
            listings[key] = found
        return listings[key]

    @app.tool(title="Get a persona", annotations=READ_ONLY)
    @domain_errors
    def get_persona(
        persona_id: Annotated[str, Field(description="A persona id from list_personas.", max_length=200)],
        format: Annotated[PersonaFormat, Field(description="markdown (the brief) or json (every field).")] = "markdown",
    ) -> Annotated[CallToolResult, PersonaDocument]:
        """One persona's brief, for clients that do not use prompts."""
        doc, text = persona_document(catalog.get(persona_id), format)
        return tool_result(doc.model_dump(mode="json", exclude_none=True), text)  # no null for the other format

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

    register_slo_tools(app)
    register_roster_tools(app, catalog)
    app.add_prompt(_readiness_prompt())
    app.add_prompt(_panel_prompt(catalog))
    app.middleware.append(accept_logging_level)
    app.select_tools(tools, exclude_tools)
    return app


async def accept_logging_level(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
    """Answer `logging/setLevel`, which handshake-era clients send although the server advertises no logging.

    The server sends no log notifications, so there is nothing to filter: the request succeeds once its
    level is one the protocol names, and the level is noted in the server's own log. A middleware is the SDK's
    public hook for a method it does not serve (`MCPServer.middleware`).
    """
    if ctx.method != "logging/setLevel" or ctx.request_id is None:
        return await call_next(ctx)
    params = SetLevelRequestParams.model_validate(ctx.params or {})
    logger.info("client asked for log level %s", params.level)
    return EmptyResult()
