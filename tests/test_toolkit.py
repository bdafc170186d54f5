"""The tool wrappers: the core's errors reach the model as tool errors, and the SDK sees the real signature."""

from __future__ import annotations

import inspect
import threading

import anyio
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from persona_mcp.errors import InvalidArgument
from persona_mcp.server.toolkit import domain_errors, threaded_domain_errors

pytestmark = pytest.mark.anyio


def body(task: str, limit: int = 3) -> str:
    """Docs."""
    if limit < 1:
        raise InvalidArgument("limit", "must be at least 1, got 0")
    if limit > 9:
        raise ValueError("a bug, not the caller's mistake")
    return task * limit


@pytest.mark.parametrize("wrap", [domain_errors, threaded_domain_errors])
def test_the_wrapper_keeps_the_signature_the_sdk_derives_the_schema_from(wrap: object) -> None:
    wrapped = wrap(body)  # type: ignore[operator]
    assert inspect.signature(wrapped) == inspect.signature(body)
    assert wrapped.__doc__ == "Docs."
    assert wrapped.__name__ == "body"


async def test_a_long_threaded_tool_call_does_not_hold_up_other_calls() -> None:
    # What a user sees of the threaded wrapper: while one call computes, another is answered. Were the threaded
    # tool run on the event loop, the quick call below could not be answered until the slow one was released.
    app = MCPServer("toolkit")
    started, release = threading.Event(), threading.Event()

    def slow(task: str) -> str:
        """Blocks until released."""
        started.set()
        release.wait(10)
        return task

    app.tool()(threaded_domain_errors(slow))
    app.tool()(domain_errors(body))
    async with Client(app) as client, anyio.create_task_group() as group:
        answers: dict[str, object] = {}

        async def call_slow() -> None:
            answers["slow"] = (await client.call_tool("slow", {"task": "done"})).structured_content

        group.start_soon(call_slow)
        assert await anyio.to_thread.run_sync(started.wait, 5)
        with anyio.fail_after(5):
            quick = await client.call_tool("body", {"task": "ab", "limit": 2})
        assert quick.structured_content == {"result": "abab"}
        assert "slow" not in answers
        release.set()
    assert answers["slow"] == {"result": "done"}


async def test_core_errors_become_tool_errors_with_the_same_message() -> None:
    with pytest.raises(ToolError, match=r"^limit: must be at least 1, got 0$"):
        await domain_errors(body)("x", limit=0)
    with pytest.raises(ToolError, match=r"^limit: must be at least 1, got 0$"):
        threaded_domain_errors(body)("x", limit=0)


async def test_other_exceptions_are_left_to_the_sdk() -> None:
    with pytest.raises(ValueError, match="a bug"):
        await domain_errors(body)("x", limit=10)
    with pytest.raises(ValueError, match="a bug"):
        threaded_domain_errors(body)("x", limit=10)
    assert await domain_errors(body)("ab", limit=2) == "abab"
