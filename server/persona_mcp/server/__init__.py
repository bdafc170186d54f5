"""The MCP face: the server, its tools, and the stdio and HTTP transports."""
