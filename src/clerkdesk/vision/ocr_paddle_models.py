"""Paddle inference models for the ``paddle`` OCR backend, made from the ONNX models the rapidocr wheel ships.

Service-hall PCs are offline and PaddleOCR's own models download from a hub on first use, so ClerkDesk never
asks for them. Instead, at setup or build time (``scripts/paddle_models.py``, run by ``scripts/setup.sh`` when
the ``paddle`` extra is installed) the PP-OCR ONNX models inside the rapidocr wheel — the very models the default
backend runs — are converted to Paddle inference models with ``x2paddle``. Both backends therefore read with the
same weights, and a comparison between them measures the runtimes, not two different models.

Layout of the output folder (default ``<venv>/share/clerkdesk/paddle-models``, or ``$CLERKDESK_PADDLE_MODELS``)::

    det/ inference.json inference.pdiparams inference.yml   PaddleX's model-folder layout, so the folders can
    rec/ inference.json inference.pdiparams inference.yml   also be handed to ``paddleocr.PaddleOCR(…_model_dir=…)``
    cls/ inference.json inference.pdiparams inference.yml
    rec/keys.txt                                            the recogniser's dictionary (from the ONNX metadata)
    manifest.json                                           sha256 of each source model: reconvert only on change

Two quirks of the converter are handled here rather than left to the user: x2paddle 1.6 needs ``onnx.mapping``,
which onnx dropped after 1.16 (so the ``paddle`` extra pins ``onnx<1.17``), and it writes every ONNX tensor name
into generated Python code, so names such as ``Add@0`` in the direction classifier must be made identifiers first.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from clerkdesk.errors import ConfigError

MANIFEST = "manifest.json"
KEYS_FILE = "keys.txt"
FORMAT_VERSION = 2  # bump when the output layout changes, so old folders are rebuilt


@dataclass(frozen=True)
class ModelSpec:
    """One model to convert: its kind (output sub-folder), the rapidocr file and PaddleX's name for it."""

    kind: str
    onnx_name: str
    paddlex_name: str


def specs() -> tuple[ModelSpec, ...]:
    """The three models the rapidocr backend runs (names from ``rapidocr_engine``, so both stay in step)."""
    from clerkdesk.vision.rapidocr_engine import CLS_MODEL, DET_MODEL, REC_MODEL

    return (ModelSpec("det", DET_MODEL, "PP-OCRv6_small_det"),
            ModelSpec("rec", REC_MODEL, "PP-OCRv6_small_rec"),
            ModelSpec("cls", CLS_MODEL, "PP-LCNet_x0_25_textline_ori"))


def default_models_dir() -> Path:
    """``$CLERKDESK_PADDLE_MODELS``, else ``<sys.prefix>/share/clerkdesk/paddle-models`` (inside the venv, so
    the models live and die with the environment that has paddle installed)."""
    env = os.environ.get("CLERKDESK_PADDLE_MODELS", "").strip()
    return Path(env) if env else Path(sys.prefix) / "share" / "clerkdesk" / "paddle-models"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def is_current(out_dir: Path, onnx_dir: Path | None = None) -> bool:
    """OUT_DIR holds complete models converted from the ONNX files now in ONNX_DIR (default: rapidocr's)."""
    from clerkdesk.vision.rapidocr_engine import models_dir

    src = onnx_dir or models_dir()
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest.get("format") != FORMAT_VERSION:
        return False
    for spec in specs():
        folder = out_dir / spec.kind
        if not all((folder / f).is_file() for f in ("inference.json", "inference.pdiparams", "inference.yml")):
            return False
        onnx_file = src / spec.onnx_name
        if not onnx_file.is_file() or manifest.get("sources", {}).get(spec.kind) != _sha256(onnx_file):
            return False
    return (out_dir / "rec" / KEYS_FILE).is_file()


def check_converter() -> None:
    """Fail with what to install when x2paddle or a compatible onnx is missing (before any work is done)."""
    import importlib.util

    missing = [m for m in ("x2paddle", "onnx", "paddle") if importlib.util.find_spec(m) is None]
    if missing:
        raise ConfigError(
            f"cannot make the Paddle OCR models: {', '.join(missing)} not installed. Install the extra: "
            "pip install 'clerkdesk[paddle]' (paddlepaddle, x2paddle, onnx<1.17), then run scripts/paddle_models.py")
    import onnx

    if not hasattr(onnx, "mapping"):
        raise ConfigError(
            f"cannot make the Paddle OCR models: onnx {onnx.__version__} is too new for x2paddle (it needs "
            "onnx.mapping, removed after onnx 1.16): pip install 'onnx>=1.16,<1.17'")


_IDENT = re.compile(r"[^A-Za-z0-9_]")


def _sanitised(model: object) -> object:
    """MODEL with every tensor name made a Python identifier (x2paddle writes them into generated code)."""
    graph = model.graph  # type: ignore[attr-defined]
    renames: dict[str, str] = {}
    taken = set(_all_names(graph))

    def fix(name: str) -> str:
        if not name or (not _IDENT.search(name) and not name[0].isdigit()):
            return name
        if name not in renames:
            base = _IDENT.sub("_", name)
            base = f"t_{base}" if base[0].isdigit() else base
            new, i = base, 0
            while new in taken:
                i += 1
                new = f"{base}_{i}"
            taken.add(new)
            renames[name] = new
        return renames[name]

    for node in graph.node:
        node.input[:] = [fix(n) for n in node.input]
        node.output[:] = [fix(n) for n in node.output]
    for seq in (graph.input, graph.output, graph.value_info, graph.initializer):
        for item in seq:
            item.name = fix(item.name)
    return model


def _all_names(graph: object) -> list[str]:
    names: list[str] = []
    for node in graph.node:  # type: ignore[attr-defined]
        names.extend(node.input)
        names.extend(node.output)
    for seq in (graph.input, graph.output, graph.value_info, graph.initializer):  # type: ignore[attr-defined]
        names.extend(item.name for item in seq)
    return names


def _inference_yml(spec: ModelSpec, chars: list[str] | None = None) -> str:
    """PaddleX's ``inference.yml`` for SPEC: pre- and post-processing as rapidocr applies them to these models.
    CHARS (the recogniser's dictionary) is written inline as a JSON list, which YAML reads as a flow sequence:
    PaddleX takes the dictionary only from this file."""
    if spec.kind == "det":
        return f"""Global:
  model_name: {spec.paddlex_name}
PreProcess:
  transform_ops:
  - DecodeImage: {{channel_first: false, img_mode: BGR}}
  - DetResizeForTest: {{limit_side_len: 2000, limit_type: max}}
  - NormalizeImage: {{mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], scale: 1./255., order: hwc}}
  - ToCHWImage: null
  - KeepKeys: {{keep_keys: [image, shape]}}
PostProcess:
  name: DBPostProcess
  thresh: 0.3
  box_thresh: 0.5
  max_candidates: 1000
  unclip_ratio: 1.6
"""
    if spec.kind == "rec":
        return f"""Global:
  model_name: {spec.paddlex_name}
PreProcess:
  transform_ops:
  - DecodeImage: {{channel_first: false, img_mode: BGR}}
  - RecResizeImg: {{image_shape: [3, 48, 320]}}
  - KeepKeys: {{keep_keys: [image, length]}}
PostProcess:
  name: CTCLabelDecode
  character_dict: {json.dumps(chars or [], ensure_ascii=False)}
"""
    return f"""Global:
  model_name: {spec.paddlex_name}
PreProcess:
  transform_ops:
  - DecodeImage: {{channel_first: false, img_mode: BGR}}
  - ResizeImage: {{size: [192, 48]}}
  - NormalizeImage: {{mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], scale: 1./255., order: hwc}}
  - ToCHWImage: null
PostProcess:
  Topk:
    topk: 1
    label_list: ['0_degree', '180_degree']
"""


def convert(out_dir: Path | None = None, onnx_dir: Path | None = None, *, force: bool = False,
            log: object = None) -> Path:
    """Convert rapidocr's det, rec and cls ONNX models into Paddle inference models in OUT_DIR.

    Skips the work when OUT_DIR already holds models made from the same ONNX files (unless FORCE). The
    folder is built beside OUT_DIR and moved into place at the end, so an interrupted run leaves either the
    old models or none, never half of the new ones. Returns OUT_DIR."""
    from clerkdesk.vision.rapidocr_engine import models_dir

    out = out_dir or default_models_dir()
    src = onnx_dir or models_dir()
    say = log if callable(log) else (lambda _msg: None)
    if not force and is_current(out, src):
        say(f"up to date: {out}")
        return out
    check_converter()
    import onnx

    missing = [str(src / s.onnx_name) for s in specs() if not (src / s.onnx_name).is_file()]
    if missing:
        raise ConfigError("the rapidocr wheel's bundled models are missing (ClerkDesk never downloads models): "
                          + ", ".join(missing))
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".paddle-models-", dir=out.parent))
    try:
        sources: dict[str, str] = {}
        for spec in specs():
            onnx_file = src / spec.onnx_name
            say(f"converting {spec.onnx_name} ({spec.kind})")
            model = onnx.load(str(onnx_file))
            chars = None
            if spec.kind == "rec":
                chars = next((p.value for p in model.metadata_props if p.key == "character"), None)
                if not chars:
                    raise ConfigError(f"{onnx_file} carries no 'character' dictionary in its metadata; "
                                      "this rapidocr wheel is not one ClerkDesk knows")
                (work / spec.kind).mkdir(parents=True, exist_ok=True)
                # one entry per line, split as rapidocr splits the metadata (str.splitlines)
                (work / spec.kind / KEYS_FILE).write_text("\n".join(chars.splitlines()) + "\n", encoding="utf-8")
            fixed = work / f"{spec.kind}.onnx"
            onnx.save(_sanitised(model), str(fixed))
            _run_x2paddle(fixed, work / f"{spec.kind}.x2paddle")
            made = work / f"{spec.kind}.x2paddle" / "inference_model"
            target = work / spec.kind
            target.mkdir(parents=True, exist_ok=True)
            shutil.move(str(made / "model.json"), target / "inference.json")
            shutil.move(str(made / "model.pdiparams"), target / "inference.pdiparams")
            keys = chars.splitlines() if chars else None
            (target / "inference.yml").write_text(_inference_yml(spec, keys), encoding="utf-8")
            shutil.rmtree(work / f"{spec.kind}.x2paddle")
            fixed.unlink()
            sources[spec.kind] = _sha256(onnx_file)
        (work / MANIFEST).write_text(json.dumps({"format": FORMAT_VERSION, "sources": sources,
                                                 "from": str(src)}, indent=2), encoding="utf-8")
        old = out.with_name(out.name + ".old")
        if out.exists():
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
        work.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"done: {out}")
    return out


def _run_x2paddle(onnx_file: Path, save_dir: Path) -> None:
    """x2paddle in a child process: it imports the Python code it generates from SAVE_DIR, prints a lot, and
    a failure should come back as one clear error with its output, not as a half-imported module here."""
    cmd = [sys.executable, "-c", "import sys; from x2paddle.convert import main; sys.exit(main())",
           "--framework=onnx", f"--model={onnx_file}", f"--save_dir={save_dir}"]
    env = {**os.environ, "GLOG_minloglevel": "2", "FLAGS_logtostderr": "0"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    made = save_dir / "inference_model"
    if proc.returncode != 0 or not (made / "model.json").is_file() or not (made / "model.pdiparams").is_file():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise ConfigError(f"x2paddle could not convert {onnx_file.name} (exit {proc.returncode}):\n{tail}")
