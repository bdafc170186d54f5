"""The command-line face: `persona-mcp` and its SRE subcommands."""
