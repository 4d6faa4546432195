"""Exporting an adapter for serving: the folder TGI loads with LORA_ADAPTERS (and vLLM with
--lora-modules), optionally a merged full-precision model, and the settings to serve them.

TGI cannot load a LoRA adapter onto a bitsandbytes-quantised base
(huggingface/text-generation-inference#2400): serve the base in bf16 with the adapter, or
serve the merged model (quantised afterwards if memory requires). Merging always happens on
a full-precision base: merging into 4-bit weights drifts the logits (~0.2).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

TGI_IMAGE = "ghcr.io/huggingface/text-generation-inference:3.3.5"


class ExportError(ValueError):
    """The adapter folder is incomplete or the base cannot be merged; for the operator."""


@dataclass
class ExportResult:
    adapter: Path
    base_model: str
    merged: Path | None
    gguf: Path | None = None


def adapter_base(adapter: Path) -> str:
    """The base model an adapter folder was trained on (its adapter_config.json)."""
    config_path = adapter / "adapter_config.json"
    if not config_path.is_file():
        raise ExportError(f"No LoRA adapter in {adapter} (adapter_config.json missing).")
    return json.loads(config_path.read_text()).get("base_model_name_or_path") or ""


def export_adapter(
    *, adapter: Path, out: Path, hub_id: str | None = None, base: str | None = None
) -> ExportResult:
    """Copy the adapter's config and safetensors weights to `out/`, with
    `base_model_name_or_path` rewritten to `hub_id` when given."""
    config_path = adapter / "adapter_config.json"
    if not config_path.is_file():
        raise ExportError(f"No LoRA adapter in {adapter} (adapter_config.json missing).")
    weights = adapter / "adapter_model.safetensors"
    out.mkdir(parents=True, exist_ok=True)
    if weights.is_file():
        shutil.copyfile(weights, out / "adapter_model.safetensors")
    elif (adapter / "adapter_model.bin").is_file():
        _bin_to_safetensors(adapter / "adapter_model.bin", out / "adapter_model.safetensors")
    else:
        raise ExportError(f"No adapter weights in {adapter} (adapter_model.safetensors).")
    config = json.loads(config_path.read_text())
    base_model = hub_id or base or config.get("base_model_name_or_path") or ""
    config["base_model_name_or_path"] = base_model
    config["inference_mode"] = True
    (out / "adapter_config.json").write_text(json.dumps(config, indent=2) + "\n")
    return ExportResult(adapter=out, base_model=base_model, merged=None)


def _bin_to_safetensors(source: Path, target: Path) -> None:
    import torch
    from safetensors.torch import save_file

    state = torch.load(source, map_location="cpu", weights_only=True)
    save_file({k: v.contiguous() for k, v in state.items()}, str(target))


def merge(*, adapter: Path, base: str, out: Path, dtype: str = "float32") -> Path:
    """Merge the adapter into a full-precision copy of `base` and save it (safetensors) with
    the tokenizer to `out`."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from training.modeling import check_model

    check_model(base)
    torch_dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch_dtype[dtype])
    if getattr(model, "is_quantized", False):
        raise ExportError("The base is quantised; merge onto a full-precision base.")
    merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    out.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(out, safe_serialization=True)
    tokenizer_source = adapter if (adapter / "tokenizer_config.json").is_file() else base
    AutoTokenizer.from_pretrained(tokenizer_source).save_pretrained(out)
    return out


def serving_instructions(*, result: ExportResult, name: str) -> str:
    """TGI and vLLM settings (and a compose snippet) for the exported folders."""
    base = result.base_model or "BioMistral/BioMistral-7B"
    lines = [
        "Serve with Text Generation Inference (base in bf16 + adapter):",
        f"  MODEL_ID={base}",
        f"  LORA_ADAPTERS={name}=/adapters/{name}",
        "  (no QUANTIZE=bitsandbytes*: TGI cannot load an adapter onto a bitsandbytes-quantised",
        "   base, huggingface/text-generation-inference#2400)",
        "",
        "docker compose service:",
        "  tgi:",
        f"    image: {TGI_IMAGE}",
        "    shm_size: 1g",
        "    environment:",
        f'      MODEL_ID: "{base}"',
        f'      LORA_ADAPTERS: "{name}=/adapters/{name}"',
        "    volumes:",
        f"      - {result.adapter.resolve()}:/adapters/{name}:ro",
        "      - hf-cache:/data",
        "    deploy:",
        "      resources:",
        "        reservations:",
        "          devices: [{driver: nvidia, count: 1, capabilities: [gpu]}]",
        "",
        "Lumen's settings:",
        "  LUMEN_GENERATOR=tgi",
        "  LUMEN_GENERATOR_URL=http://tgi:80",
        f"  LUMEN_GENERATOR_ADAPTER_ID={name}",
        "",
        "Or vLLM (OpenAI-compatible; LUMEN_GENERATOR=openai, the adapter name as the model):",
        f"  vllm serve {base} --dtype bfloat16 --enable-lora --max-lora-rank 64 "
        f"--lora-modules {name}={result.adapter.resolve()}",
    ]
    if result.gguf is not None:
        lines += [
            "",
            "Or llama.cpp on a CPU (the GGUF LoRA on SmolLM2's GGUF; LUMEN_GENERATOR=openai):",
            f"  make llm LORA={result.gguf.resolve()}",
            "  LUMEN_GENERATOR_ADAPTER_ID=lumen-smollm2 LUMEN_GENERATOR_BASE_MODEL=smollm2",
        ]
    if result.merged is not None:
        lines += [
            "",
            "Merged model (no adapter needed; quantise it for serving if memory requires):",
            f"  MODEL_ID={result.merged.resolve()}  (TGI; add QUANTIZE=bitsandbytes-nf4 or eetq "
            "if needed)",
            f"  vllm serve {result.merged.resolve()}",
        ]
    return "\n".join(lines)
