"""Make the Paddle inference models for the ``paddle`` OCR backend from the rapidocr wheel's ONNX models.

Run at setup or build time, never at run time (``scripts/setup.sh`` runs it when the ``paddle`` extra is
installed): ``.venv/bin/python scripts/paddle_models.py [--out DIR] [--force]``. Nothing is downloaded: the
models are the PP-OCR ONNX files already inside the installed rapidocr wheel, converted with x2paddle (see
``clerkdesk.vision.ocr_paddle_models``). Exits 2 with what to install when the converter is missing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from clerkdesk.errors import ConfigError
from clerkdesk.vision.ocr_paddle_models import convert, default_models_dir


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None,
                    help=f"output folder (default {default_models_dir()}; or $CLERKDESK_PADDLE_MODELS)")
    ap.add_argument("--onnx-dir", type=Path, default=None, help="ONNX models (default: the rapidocr wheel's)")
    ap.add_argument("--force", action="store_true", help="convert even when the models are up to date")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        out = convert(args.out, args.onnx_dir, force=args.force, log=lambda m: print(f"paddle-models: {m}"))
    except ConfigError as e:
        print(f"paddle-models: {e}", file=sys.stderr)
        return 2
    print(f"paddle-models: {out} ready in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
