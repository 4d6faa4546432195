"""Loading models and tokenizers for training, evaluation and export (heavy imports inside).

4-bit NF4 with double quantisation through bitsandbytes when asked (bf16 compute on CUDA,
fp32 on CPU); plain full-precision weights otherwise. A model is a local folder or a Hugging
Face id; offline (HF_HUB_OFFLINE=1) only cached ids load.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


class ModelError(RuntimeError):
    """A model, tokenizer or adapter cannot be loaded; the message is for the operator."""


@dataclass
class Device:
    name: str  # "cuda" or "cpu"
    dtype: Any  # torch dtype for compute

    @property
    def is_cuda(self) -> bool:
        return self.name == "cuda"


def pick_device() -> Device:
    import torch

    if torch.cuda.is_available():
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return Device("cuda", dtype)
    return Device("cpu", torch.float32)


def check_model(path_or_id: str) -> None:
    """Raise ModelError unless the model's config can be found (a folder or a cached id)."""
    from transformers import AutoConfig

    path = Path(path_or_id).expanduser()
    if (path_or_id.startswith((".", "/", "~")) or path.exists()) and not (
        path / "config.json"
    ).is_file():
        raise ModelError(f"Model folder not found or has no config.json: {path_or_id}")
    try:
        AutoConfig.from_pretrained(path_or_id)
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"Cannot load model {path_or_id!r}: give a local folder or a Hugging Face id "
            f"(offline, only models already in the cache load). {str(exc).splitlines()[0]}"
        ) from exc


def load_tokenizer(path_or_id: str):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path_or_id)
    if tokenizer.pad_token is None:
        # Mistral ships no padding token; padded positions are masked out of the loss.
        tokenizer.pad_token = tokenizer.unk_token or tokenizer.eos_token
    return tokenizer


def bitsandbytes_available() -> tuple[bool, str]:
    try:
        import bitsandbytes  # noqa: F401
    except Exception as exc:  # an import of a native library can fail in many ways
        return False, f"{type(exc).__name__}: {exc}"
    return True, ""


def load_model(path_or_id: str, *, device: Device, four_bit: bool) -> tuple[Any, bool]:
    """The causal LM on `device`; returns it and whether it is 4-bit quantised. Falls back to
    full precision (with a warning) only when bitsandbytes cannot load."""
    from transformers import AutoModelForCausalLM

    kwargs: dict[str, Any] = {"dtype": device.dtype, "device_map": {"": device.name}}
    if four_bit:
        ok, why = bitsandbytes_available()
        if ok:
            from transformers import BitsAndBytesConfig

            kwargs["quantization_config"] = BitsAndBytesConfig(
                load_in_4bit=True,
                bnb_4bit_quant_type="nf4",
                bnb_4bit_use_double_quant=True,
                bnb_4bit_compute_dtype=device.dtype,
            )
        else:
            warnings.warn(
                f"bitsandbytes cannot load ({why}); training plain LoRA on full-precision "
                "weights instead of QLoRA.",
                RuntimeWarning,
                stacklevel=2,
            )
            four_bit = False
    try:
        model = AutoModelForCausalLM.from_pretrained(path_or_id, **kwargs)
    except (OSError, ValueError) as exc:
        raise ModelError(f"Cannot load model {path_or_id!r}: {exc}") from exc
    if four_bit and not device.is_cuda:
        keep_cpu_weights_trainable(model)
    return model, four_bit


def keep_cpu_weights_trainable(model) -> int:
    """Stop bitsandbytes repacking 4-bit weights for inference on CPUs with AVX512-BF16.

    In eval mode without gradients (every evaluation), bitsandbytes 0.50 converts a Linear4bit
    weight to a CPU inference layout for good, and later training steps go through
    `gemv_4bit`, which has no autograd kernel: gradients through the frozen base layers are
    silently wrong (torch warns), and on this machine that path was also ~15x slower."""
    import bitsandbytes as bnb

    layers = [m for m in model.modules() if isinstance(m, bnb.nn.Linear4bit)]
    for layer in layers:
        layer.support_avx512bf16_for_cpu = False
    return len(layers)


def check_adapter(directory: Path) -> None:
    if not (directory / "adapter_config.json").is_file():
        raise ModelError(f"No LoRA adapter in {directory} (adapter_config.json missing).")
