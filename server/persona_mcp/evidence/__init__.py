"""Evidence: a service's repository read into facts, each traced to the file and line it came from.

Readers never execute anything and never leave the directory they were given: `tree` walks it within a
size, count and time budget (symlinks out, binary files, oversized files and alias bombs are skipped and
listed), `documents` parses YAML keeping every value's line, `kubernetes` turns manifests into workloads,
and `infer` groups them into services and derives the readiness manifest `persona-mcp review` accepts, with
the evidence for each fact and the facts it looked for and could not find. The review consumes the manifest;
nothing here imports it back, and nothing here imports the MCP SDK.
"""
