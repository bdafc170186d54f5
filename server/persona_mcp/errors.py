"""Domain errors raised by the core.

Adapters translate them: the MCP server lets them surface as tool errors (the model sees the message),
the CLI prints one line and exits non-zero. Messages name the argument or file and what was expected.
"""

from __future__ import annotations


class PersonaMCPError(Exception):
    """Base class for every error the core raises on purpose."""


class InvalidArgument(PersonaMCPError, ValueError):
    """An argument is outside its accepted values.

    Attributes:
        argument: The argument's name as the caller knows it (e.g. `objective`, `window`).
        message: What was wrong and what is accepted.
    """

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"{argument}: {message}")
        self.argument = argument
        self.message = message


class UnknownPersona(InvalidArgument):
    """A persona id that is not in the catalog."""

    def __init__(self, persona_id: str, known: list[str], argument: str = "persona_id") -> None:
        shown = persona_id if len(persona_id) <= 80 else persona_id[:77] + "..."
        super().__init__(argument, f"unknown persona {shown!r}; known ids: {', '.join(known)}")
        self.persona_id = persona_id
        self.known = known


class PersonaFileError(PersonaMCPError):
    """A persona file that cannot be loaded: unreadable, malformed YAML, or failing the schema.

    Attributes:
        path: The file, as given.
        problems: One line per problem, each naming the field and what was expected.
    """

    def __init__(self, path: str, problems: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(problems))
        self.path = path
        self.problems = problems


class ManifestError(InvalidArgument):
    """A service manifest that fails validation (the `sre_readiness` tool's `service`, or a CLI manifest file).

    Attributes:
        source: Where the manifest came from: a file path, or the argument name (`service`).
        field: The dotted path of the first bad field, e.g. `slo.availability` or `dependencies[0].instances`.
        message: What was wrong and what is accepted.
        problems: Every problem found, one `field: message` line each (the first is `field` and `message`).
    """

    def __init__(self, source: str, field: str, message: str, problems: list[str] | None = None) -> None:
        super().__init__(field, message)
        self.source = source
        self.field = field
        self.problems = problems or [f"{field}: {message}"]
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        self.args = (f"{source}: {field}: {message}{suffix}",)

    def __str__(self) -> str:
        return str(self.args[0])
