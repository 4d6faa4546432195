"""The real local generator for tests: llama.cpp's server with SmolLM2 on a free loopback
port, one per test module (loading the model takes about a second, answering a few more)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lumen.generation.local_server import LocalServer


@pytest.fixture(scope="module")
def smollm2() -> Iterator[LocalServer]:
    """SmolLM2-135M-Instruct served by llama.cpp (real process, real HTTP), torn down after
    the module. One thread: on a busy machine, llama.cpp threads that wait on each other at every
    layer lose far more than a second core gains (3 tokens/s with one thread at load 16, next to
    nothing with two)."""
    with LocalServer(threads=1).running() as server:
        yield server
