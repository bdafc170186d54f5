"""The tool wrappers: the core's errors reach the model as tool errors, and the SDK sees the real signature."""

from __future__ import annotations

import inspect

import pytest
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


def test_a_light_tool_is_async_and_a_threaded_one_stays_plain_for_the_sdk_to_run_on_a_thread() -> None:
    assert inspect.iscoroutinefunction(domain_errors(body))
    assert not inspect.iscoroutinefunction(threaded_domain_errors(body))


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
