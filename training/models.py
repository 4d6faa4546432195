"""Training runs (issue 7): dataset building, QLoRA fine-tuning, evaluation, export."""
