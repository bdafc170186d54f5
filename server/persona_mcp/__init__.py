"""persona-mcp: engineering reviewer personas and SRE tools over the Model Context Protocol."""

__version__ = "0.1.0"
