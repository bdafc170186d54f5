"""The pictures: the readiness scorecard, the error-budget chart and the burn-rate alerts as self-contained
HTML. The view code is data under resources/views/; this package assembles and checks it, for the MCP Apps
resources (the data arrives from the host) and for the standalone export (the data embedded). No MCP import.
"""
