"""Train (or only evaluate) the Kazakh CRF NER model on KazNERD; logic lives in training.py."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entities.extraction.languages.kk import training
from entities.extraction.languages.kk.ner import MODEL_PATH


class Command(BaseCommand):
    help = "Train the Kazakh NER CRF on DATA/train.iob and print strict scores on DATA/dev.iob."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", required=True, type=Path, help="folder with train/dev.iob")
        parser.add_argument("--output", type=Path, default=MODEL_PATH, help="model file")
        parser.add_argument("--c1", type=float, default=training.DEFAULT_C1, help="L1 weight")
        parser.add_argument("--c2", type=float, default=training.DEFAULT_C2, help="L2 weight")
        parser.add_argument("--max-iterations", type=int, default=training.DEFAULT_MAX_ITERATIONS)
        parser.add_argument(
            "--min-freq",
            type=int,
            default=training.DEFAULT_MIN_FREQ,
            help="drop features seen fewer times in training",
        )
        parser.add_argument(
            "--folds",
            type=int,
            default=training.DEFAULT_FOLDS,
            help="cross-validation folds of the train-name gazetteer (0: no such gazetteer)",
        )
        parser.add_argument(
            "--kb",
            type=Path,
            default=training.DEFAULT_KB_PATH,
            help="knowledge base JSON for the name gazetteer ('none' to skip)",
        )
        parser.add_argument(
            "--evaluate-only", action="store_true", help="score the existing model on dev.iob"
        )

    def handle(self, *args: object, **options: object) -> None:
        data: Path = options["data"]  # type: ignore[assignment]
        output: Path = options["output"]  # type: ignore[assignment]
        evaluate_only = bool(options["evaluate_only"])
        needed = ["dev.iob"] if evaluate_only else ["train.iob", "dev.iob"]
        missing = [name for name in needed if not (data / name).exists()]
        if missing:
            raise CommandError(f"{data} has no {', '.join(missing)}")
        if evaluate_only and not output.exists():
            raise CommandError(f"no model at {output}")
        if not evaluate_only:
            self.stdout.write(f"Training on {data / 'train.iob'} → {output} …")
        result = training.train_and_evaluate(
            data,
            output,
            c1=float(options["c1"]),  # type: ignore[arg-type]
            c2=float(options["c2"]),  # type: ignore[arg-type]
            max_iterations=int(options["max_iterations"]),  # type: ignore[arg-type]
            min_freq=int(options["min_freq"]),  # type: ignore[arg-type]
            folds=int(options["folds"]),  # type: ignore[arg-type]
            kb_path=None if str(options["kb"]).lower() == "none" else options["kb"],  # type: ignore[arg-type]
            evaluate_only=evaluate_only,
        )
        if result.params:
            self.stdout.write("params: " + ", ".join(f"{k}={v}" for k, v in result.params.items()))
        self.stdout.write(
            f"model: {result.model_path} ({result.model_bytes / 1e6:.2f} MB), "
            f"{result.seconds:.0f} s"
        )
        if result.evaluation is not None:
            self.stdout.write("Strict entity-level scores on dev.iob:")
            self.stdout.write(result.evaluation.table())
