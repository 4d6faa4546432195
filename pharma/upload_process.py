"""Read an upload's text in a child process that cannot hold a web thread.

One PDF of 8.6 KB (15 pages sharing one content stream of operators) cost 126 s of CPU in
pypdf; no pre-check can foresee every such file, so the parsing runs in a fresh Python
process (`python -m pharma.upload_process`) that limits itself before it reads a byte: CPU
seconds (RLIMIT_CPU: SIGXCPU, then SIGKILL a second later), address space (RLIMIT_AS: a
MemoryError), no core file, no file writes. The parent waits at most a wall-clock timeout
(a child starved of CPU on a busy machine is killed too), and any limit hit becomes
`UploadTooComplex`, a refusal like any other bad file.

The child imports no Django and gets no secrets: its environment is only what it needs to
find Lumen's code. It gets the bytes on stdin and answers in JSON on stdout, so nothing it
says can be more than data to the parent.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pharma.upload_text import (
    ComplianceInputError,
    Passage,
    UploadTooComplex,
    passages_from_bytes,
)

logger = logging.getLogger(__name__)

_OUT_OF_MEMORY = 3  # the child's exit status when its memory limit was hit
_ROOT = Path(__file__).resolve().parent.parent  # the folder that holds the pharma package
_DAMAGED = "The file could not be read; it may be damaged."


@dataclass(frozen=True)
class Limits:
    """What one reading may cost (settings LUMEN_COMPLIANCE_CPU_SECONDS, _MEMORY_MB,
    _WALL_SECONDS)."""

    cpu_seconds: int
    memory_bytes: int
    wall_seconds: float


def read_in_child(data: bytes, claimed: str, limits: Limits) -> list[Passage]:
    """`passages_from_bytes(data, claimed)`, run in a limited child process.

    Raises ComplianceInputError as the reading would, and UploadTooComplex (reason cpu,
    memory or wall) when the child was stopped by a limit.
    """
    command = [
        sys.executable,
        "-s",  # no user site-packages
        "-m",
        "pharma.upload_process",
        str(limits.cpu_seconds),
        str(limits.memory_bytes),
        claimed,
    ]
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            command,
            input=data,
            capture_output=True,
            timeout=limits.wall_seconds,
            env={"PYTHONPATH": str(_ROOT), "LC_ALL": "C.UTF-8"},
            cwd=_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has killed the child and reaped it.
        raise UploadTooComplex("wall") from None
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise UploadTooComplex("cpu")
    if done.returncode == _OUT_OF_MEMORY:
        raise UploadTooComplex("memory")
    try:
        answer = json.loads(done.stdout) if done.returncode == 0 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        # A bug in the reading, not a limit. The file's text is not logged: only the status
        # and the end of the child's traceback.
        logger.error(
            "upload reader failed (exit %s): %s",
            done.returncode,
            done.stderr[-2000:].decode("utf-8", "replace"),
        )
        raise ComplianceInputError(_DAMAGED)
    if "too_complex" in answer:
        raise UploadTooComplex(str(answer["too_complex"]))
    if "refused" in answer:
        raise ComplianceInputError(str(answer["refused"]))
    return [Passage(page, text, paragraph) for page, text, paragraph in answer["passages"]]


def _limit_self(cpu_seconds: int, memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # SIGXCPU would otherwise dump core
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # reading a file writes none


def _main(argv: list[str]) -> int:
    cpu_seconds, memory_bytes, claimed = int(argv[0]), int(argv[1]), argv[2]
    _limit_self(cpu_seconds, memory_bytes)
    try:
        data = sys.stdin.buffer.read()
        try:
            passages = passages_from_bytes(data, claimed)
        except UploadTooComplex as exc:
            answer: dict = {"too_complex": exc.reason}
        except ComplianceInputError as exc:
            answer = {"refused": str(exc)}
        else:
            answer = {"passages": [[p.page, p.text, p.paragraph] for p in passages]}
        sys.stdout.write(json.dumps(answer))
        sys.stdout.flush()
    except MemoryError:
        os._exit(_OUT_OF_MEMORY)  # no clean-up: it could need memory there is none of
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
