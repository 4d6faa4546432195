"""manage.py export_adapter: the adapter in the layout TGI and vLLM load, optionally merged."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from training.export import (
    ExportError,
    adapter_base,
    export_adapter,
    merge,
    serving_instructions,
)
from training.gguf_base import hub_id_of_folder
from training.gguf_lora import to_gguf
from training.management.commands.build_dataset import options_for_run
from training.modeling import ModelError
from training.models import TrainingRun
from training.services import run_fail, run_finish, run_start


class Command(BaseCommand):
    help = (
        "Export a LoRA adapter for serving (adapter_config.json + adapter_model.safetensors, "
        "as TGI's LORA_ADAPTERS and vLLM's --lora-modules load it), optionally merge it into "
        "a full-precision base, and print the TGI, docker compose and vLLM settings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--adapter", required=True, type=Path, help="Adapter folder from train_qlora."
        )
        parser.add_argument("--out", required=True, type=Path, help="Folder to write into.")
        parser.add_argument(
            "--hub-id",
            help="Base model id written into adapter_config.json (what the server loads), "
            "e.g. BioMistral/BioMistral-7B.",
        )
        parser.add_argument(
            "--name",
            default="lumen-medical",
            help="Adapter name the server exposes (LUMEN_GENERATOR_ADAPTER_ID; lumen-medical).",
        )
        parser.add_argument(
            "--merge",
            action="store_true",
            help="Also write a merged model to OUT/merged (needs --base).",
        )
        parser.add_argument(
            "--base", help="Full-precision base model (folder or id) to merge onto."
        )
        parser.add_argument(
            "--gguf",
            action="store_true",
            help="Also write OUT/NAME.gguf, a GGUF LoRA for llama.cpp (`--lora`, make llm "
            "LORA=...), with llama.cpp's convert_lora_to_gguf.py.",
        )
        parser.add_argument(
            "--dtype",
            choices=["float32", "bfloat16", "float16"],
            default="float32",
            help="Precision of the merged model (float32).",
        )

    def handle(self, *args, **options) -> None:
        if options["merge"] and not options["base"]:
            raise CommandError("--merge needs --base (a full-precision base model).")
        if not options["adapter"].is_dir():
            raise CommandError(f"Adapter folder not found: {options['adapter']}")
        run = run_start(kind=TrainingRun.Kind.EXPORT, parameters=options_for_run(options))
        out: Path = options["out"]
        try:
            trained_on = adapter_base(options["adapter"])
            result = export_adapter(
                adapter=options["adapter"],
                out=out / options["name"],
                hub_id=options["hub_id"] or hub_id_of_folder(trained_on),
                base=options["base"],
            )
            if options["gguf"]:
                result.gguf = to_gguf(
                    adapter=options["adapter"],
                    base=Path(options["base"] or trained_on),
                    out=out / f"{options['name']}.gguf",
                )
            if options["merge"]:
                result.merged = merge(
                    adapter=options["adapter"],
                    base=options["base"],
                    out=out / "merged",
                    dtype=options["dtype"],
                )
        except (ExportError, ModelError) as exc:
            run_fail(run=run, error=str(exc))
            raise CommandError(str(exc)) from exc
        except BaseException as exc:
            run_fail(run=run, error=repr(exc))
            raise
        artefacts = {"adapter": result.adapter}
        if result.gguf:
            artefacts["gguf"] = result.gguf
        if result.merged:
            artefacts["merged"] = result.merged
        run_finish(run=run, metrics={"base_model": result.base_model}, artefacts=artefacts)
        self.stdout.write(f"Adapter: {result.adapter} (base {result.base_model or '—'})")
        if result.merged:
            self.stdout.write(f"Merged model: {result.merged}")
        if result.gguf:
            self.stdout.write(f"GGUF LoRA for llama.cpp: {result.gguf}")
        self.stdout.write("")
        self.stdout.write(serving_instructions(result=result, name=options["name"]))
