"""The ``paddle`` OCR backend: the PP-OCR models on Paddle Inference (``paddlepaddle``), chosen with
``CLERKDESK_OCR=paddle`` or ``get_engine("paddle")``; needs ``pip install 'clerkdesk[paddle]'`` and the models
made by ``scripts/paddle_models.py`` (``clerkdesk.vision.ocr_paddle_models``), never downloaded.

Two ways to run the converted models were tried (figures in ``docs/desktop.md``, "PaddleOCR backend"):

* ``PaddleOcrEngine`` (this backend): rapidocr's own pre- and post-processing (resizing, DB box decoding,
  line cropping, CTC decoding, score filter) with each model's ONNX Runtime session replaced by a Paddle
  Inference predictor. Same models, same steps, so it reads exactly what the rapidocr backend reads and a
  benchmark compares only the two runtimes; it also keeps every method the drivers use (``read_screen``,
  ``read_line``, ``detect``, ``recognize``, ``read_document``, ``warm_up``).
* ``PaddleOcrPipelineEngine``: PaddleOCR 3.x's own pipeline (``paddleocr.PaddleOCR(...).predict``) given the
  converted model folders. It reads the same texts but only has ``read``, and it was slower in every
  measurement here, so it is kept for the benchmark and for users who want PaddleOCR's pipeline itself.

oneDNN (MKL-DNN) is off: with it Paddle 3.3 fails on the detector that x2paddle writes (its ``nearest_interp``
carries a list-of-doubles attribute oneDNN cannot take), and the recogniser was not faster with it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from clerkdesk.errors import ConfigError
from clerkdesk.vision.ocr import TextBox, sort_reading_order
from clerkdesk.vision.ocr_paddle_models import default_models_dir, is_current
from clerkdesk.vision.rapidocr_engine import RapidOcrEngine

_EXTRA_HINT = ("pip install 'clerkdesk[paddle]' (paddlepaddle; plus x2paddle and onnx<1.17 to make the models), "
               "then scripts/paddle_models.py; or unset CLERKDESK_OCR to use the bundled rapidocr")


def _import_paddle_inference() -> Any:
    try:
        from paddle import inference
    except ImportError as e:
        raise ConfigError(f"the PaddleOCR backend needs the optional extra ({e}): {_EXTRA_HINT}") from e
    return inference


def models_ready(folder: Path | None = None) -> Path:
    """The converted model folder, checked complete and made from the installed rapidocr's models; else a
    ConfigError saying how to make it (ClerkDesk never downloads models)."""
    folder = folder or default_models_dir()
    if not is_current(folder):
        raise ConfigError(
            f"the Paddle OCR models are missing or out of date in {folder}: make them from the rapidocr wheel's "
            "models with `python scripts/paddle_models.py` (setup.sh does it when the paddle extra is installed), "
            "or point CLERKDESK_PADDLE_MODELS at a folder it made")
    return folder


class PaddleSession:
    """A Paddle Inference predictor for one converted model, callable like rapidocr's ONNX session
    (one float32 NCHW batch in, the model's first output out)."""

    def __init__(self, model_dir: Path, threads: int = -1) -> None:
        inference = _import_paddle_inference()
        cfg = inference.Config(str(model_dir / "inference.json"), str(model_dir / "inference.pdiparams"))
        cfg.disable_gpu()
        cfg.disable_glog_info()
        if hasattr(cfg, "disable_mkldnn"):
            cfg.disable_mkldnn()  # see the module docstring
        if threads > 0:
            cfg.set_cpu_math_library_num_threads(threads)
        self._predictor = inference.create_predictor(cfg)
        self._input = self._predictor.get_input_handle(self._predictor.get_input_names()[0])
        self._output = self._predictor.get_output_handle(self._predictor.get_output_names()[0])
        self.model_dir = model_dir

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        self._input.reshape(list(batch.shape))
        self._input.copy_from_cpu(np.ascontiguousarray(batch, dtype=np.float32))
        self._predictor.run()
        return self._output.copy_to_cpu()  # type: ignore[no-any-return]

    # rapidocr's recogniser asks its session for the dictionary: ours comes from the ONNX metadata (keys.txt)
    def have_key(self, key: str = "character") -> bool:
        return key == "character" and (self.model_dir / "keys.txt").is_file()

    def get_character_list(self, key: str = "character") -> list[str]:
        return (self.model_dir / "keys.txt").read_text(encoding="utf-8").split("\n")[:-1]


class PaddleOcrEngine(RapidOcrEngine):
    """``OcrEngine`` running the converted PP-OCR models on Paddle Inference, with rapidocr's processing.

    rapidocr builds each stage with an ONNX Runtime session; once built, the session is swapped for a
    ``PaddleSession`` on the converted model, so every inference runs on Paddle. (Building the ONNX session
    first costs a fraction of a second once per process, in the warm-up; it is dropped at once.)"""

    name = "paddle"

    def __init__(self, *, models: Path | None = None, use_cls: bool = True, text_score: float = 0.5,
                 threads: int = -1, det_limit_type: str = "max", det_limit_side_len: int = 2000) -> None:
        super().__init__(use_cls=use_cls, text_score=text_score, threads=threads,
                         det_limit_type=det_limit_type, det_limit_side_len=det_limit_side_len)
        self._models = models

    def _load(self) -> Any:
        if self._ocr is not None:
            return self._ocr
        _import_paddle_inference()
        folder = models_ready(self._models)
        ocr = super()._load()  # callers hold self._lock, as for the rapidocr backend
        ocr._load_det_model().session = PaddleSession(folder / "det", self._threads)
        ocr._load_rec_model().session = PaddleSession(folder / "rec", self._threads)
        if self._use_cls:
            ocr._load_cls_model().session = PaddleSession(folder / "cls", self._threads)
        self.models = {kind: folder / kind for kind in ("det", "rec", "cls")}
        return ocr


class PaddleOcrPipelineEngine:
    """``OcrEngine`` over PaddleOCR 3.x's own pipeline, given the converted model folders (``read`` only)."""

    name = "paddleocr"

    def __init__(self, *, models: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._ocr: Any = None
        self._models = models

    def _load(self) -> Any:
        if self._ocr is not None:
            return self._ocr
        try:
            import paddleocr
        except ImportError as e:
            raise ConfigError(f"PaddleOCR's pipeline needs the paddleocr package ({e}): pip install paddleocr"
                              ) from e
        folder = models_ready(self._models)
        # the folders are local: no check of PaddleX's model hosts (an offline PC would wait on it)
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        self._ocr = paddleocr.PaddleOCR(
            text_detection_model_name="PP-OCRv6_small_det", text_detection_model_dir=str(folder / "det"),
            text_recognition_model_name="PP-OCRv6_small_rec", text_recognition_model_dir=str(folder / "rec"),
            use_doc_orientation_classify=False, use_doc_unwarping=False, use_textline_orientation=False,
            device="cpu", enable_mkldnn=False)
        return self._ocr

    def warm_up(self) -> None:
        img = np.full((40, 200, 3), 255, np.uint8)
        img[15:25, 20:180] = 0
        self.read(img)

    def read(self, image: np.ndarray) -> list[TextBox]:
        bgr = np.ascontiguousarray(image[:, :, 2::-1])
        with self._lock:
            raw = self._load().predict(bgr)
        out: list[TextBox] = []
        for res in raw or []:
            polys = res.get("rec_polys", res.get("dt_polys"))
            for text, score, poly in zip(res["rec_texts"], res["rec_scores"], polys, strict=False):
                pts = np.asarray(poly, dtype=float).reshape(-1, 2)
                if str(text).strip() and len(pts) == 4:
                    quad = tuple((float(x), float(y)) for x, y in pts)
                    out.append(TextBox(text=str(text), score=float(score), quad=quad))  # type: ignore[arg-type]
        return sort_reading_order(out)
