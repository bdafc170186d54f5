"""`python -m persona_mcp`: the same entry point as the `persona-mcp` console script."""

from persona_mcp._entry import main

if __name__ == "__main__":
    raise SystemExit(main())
