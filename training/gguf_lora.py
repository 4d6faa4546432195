"""A PEFT LoRA adapter as a GGUF LoRA file for llama.cpp (`--lora`, or the local server's
`lora_path`), written by llama.cpp's own `convert_lora_to_gguf.py`.

The converter is not part of the llama-cpp-python wheel; its source distribution vendors
llama.cpp with the script, its `conversion/` package and `gguf-py`. The first export fetches
that sdist of the installed version with pip (from pip's cache after `make install`) and
keeps those files (about 2 MB) beside the model cache; LUMEN_LLAMA_CPP_DIR points at a
llama.cpp checkout instead. The script maps tensor names and permutes LLaMA's q/k
projections exactly as llama.cpp loads them, which is why it is used rather than
re-implemented here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path

from training.export import ExportError
from training.gguf_base import model_cache

SCRIPT = "convert_lora_to_gguf.py"
# What the script imports from its llama.cpp folder.
NEEDED = (SCRIPT, "convert_hf_to_gguf.py", "conversion", "gguf-py")


def converter_dir() -> Path:
    """A folder with llama.cpp's converter, fetched once for the installed llama-cpp-python."""
    if configured := os.environ.get("LUMEN_LLAMA_CPP_DIR"):
        folder = Path(configured)
        if not (folder / SCRIPT).is_file():
            raise ExportError(f"LUMEN_LLAMA_CPP_DIR={folder} has no {SCRIPT}.")
        return folder
    try:
        version = metadata.version("llama-cpp-python")
    except metadata.PackageNotFoundError as exc:
        raise ExportError("llama-cpp-python is not installed (`make install`).") from exc
    folder = model_cache().parent / f"llama.cpp-converter-{version}"
    if not (folder / SCRIPT).is_file():
        _fetch(version, folder)
    return folder


def _fetch(version: str, folder: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="lumen-llama-sdist-") as tmp:
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--no-binary", ":all:", "--dest", tmp,
            f"llama-cpp-python=={version}",
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        archives = list(Path(tmp).glob("llama_cpp_python-*.tar.gz"))
        if not archives:
            raise ExportError(
                f"Could not fetch the llama-cpp-python {version} source distribution for "
                f"{SCRIPT} (pip: {done.stderr.strip()[-300:]}); set LUMEN_LLAMA_CPP_DIR to a "
                "llama.cpp checkout instead."
            )
        partial = Path(tempfile.mkdtemp(prefix=folder.name, dir=_parent(folder)))
        with tarfile.open(archives[0]) as archive:
            prefix = f"{archives[0].name.removesuffix('.tar.gz')}/vendor/llama.cpp/"
            members = [
                m.replace(name=m.name.removeprefix(prefix))
                for m in archive.getmembers()
                if m.name.startswith(prefix)
                and m.name.removeprefix(prefix).split("/")[0] in NEEDED
                and (m.isfile() or m.isdir())
            ]
            archive.extractall(partial, members=members, filter="data")
        if not (partial / SCRIPT).is_file():
            shutil.rmtree(partial)
            raise ExportError(f"The llama-cpp-python {version} sdist has no {SCRIPT}.")
        partial.rename(folder)


def _parent(folder: Path) -> Path:
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder.parent


def to_gguf(*, adapter: Path, base: Path, out: Path) -> Path:
    """Write `adapter` (a PEFT folder) as the GGUF LoRA file `out`; `base` is the Hugging
    Face folder of its base model (only the config and tokenizer are read)."""
    if not (base / "config.json").is_file():
        raise ExportError(
            f"The GGUF LoRA needs the base model's folder (config.json) and {base} has none: "
            "pass --base."
        )
    script = converter_dir() / SCRIPT
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, str(script), "--base", str(base), "--outfile", str(out),
        "--outtype", "f32", str(adapter),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode or not out.is_file():
        raise ExportError(f"{SCRIPT} failed: {done.stderr.strip()[-600:]}")
    return out
