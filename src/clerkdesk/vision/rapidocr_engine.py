"""The default OCR backend: RapidOCR 3.x running PaddleOCR's PP-OCR models on onnxruntime (CPU).

The rapidocr wheel ships its ONNX models inside the package (``rapidocr/models/``); for
rapidocr 3.10 these are PP-OCRv6 *small* detection and recognition (Chinese + Latin, one
multilingual dictionary embedded in the model's metadata) and the PP-OCR v2.0 mobile
text-line direction classifier. We pass every model path explicitly, so rapidocr never takes
its "download the default model" branch; if a file is missing we fail with a clear message
instead of reaching for the network (ClerkDesk runs on offline service-hall PCs).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from clerkdesk.errors import ConfigError
from clerkdesk.vision.ocr import TextBox, sort_reading_order

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"


def models_dir() -> Path:
    """Where the installed rapidocr wheel keeps its bundled ONNX models."""
    import importlib.util

    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the OCR engine is not installed: pip install 'clerkdesk[ocr]' (rapidocr, onnxruntime)")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


class RapidOcrEngine:
    """``OcrEngine`` over rapidocr. Thread-safe: calls are serialised (rapidocr keeps per-call state)."""

    name = "rapidocr"

    def __init__(self, *, use_cls: bool = True, text_score: float = 0.5, threads: int = -1,
                 det_limit_type: str = "max", det_limit_side_len: int = 2000):
        self._lock = threading.Lock()
        self._ocr: Any = None
        self._use_cls = use_cls
        self._text_score = text_score
        # CLERKDESK_OCR_THREADS caps onnxruntime's threads: on a PC busy with other work, fewer
        # threads that do not spin-wait are faster than many that do.
        self._threads = threads if threads > 0 else int(os.environ.get("CLERKDESK_OCR_THREADS", "-1") or -1)
        self._det_limit = (det_limit_type, det_limit_side_len)
        self.models: dict[str, Path] = {}

    # -- loading -------------------------------------------------------------------------------------
    def _load(self) -> Any:
        if self._ocr is not None:
            return self._ocr
        try:
            from rapidocr import EngineType, LangDet, LangRec, ModelType, OCRVersion, RapidOCR
        except ImportError as e:
            raise ConfigError(
                f"the OCR engine is not installed ({e}): pip install 'clerkdesk[ocr]' (rapidocr, onnxruntime)"
            ) from e
        root = models_dir()
        paths = {"det": root / DET_MODEL, "rec": root / REC_MODEL, "cls": root / CLS_MODEL}
        missing = [str(p) for p in paths.values() if not p.is_file()]
        if missing:
            raise ConfigError(
                "the rapidocr wheel's bundled models are missing (ClerkDesk never downloads models): "
                + ", ".join(missing)
            )
        params: dict[str, Any] = {
            "Global.log_level": "error",
            "Global.use_cls": self._use_cls,
            "Global.text_score": self._text_score,
            "Global.model_root_dir": str(root),
            "Det.engine_type": EngineType.ONNXRUNTIME,
            "Det.lang_type": LangDet.CH,
            "Det.model_type": ModelType.SMALL,
            "Det.ocr_version": OCRVersion.PPOCRV6,
            "Det.model_path": str(paths["det"]),
            # Never upscale: screen text is already at its final size, and upscaling a 400 px window
            # to rapidocr's default minimum of 736 px triples detection time for nothing.
            # (Photos of small documents may prefer rapidocr's own default: limit_type="min", 736.)
            "Det.limit_type": self._det_limit[0],
            "Det.limit_side_len": self._det_limit[1],
            "Rec.engine_type": EngineType.ONNXRUNTIME,
            "Rec.lang_type": LangRec.CH,
            "Rec.model_type": ModelType.SMALL,
            "Rec.ocr_version": OCRVersion.PPOCRV6,
            "Rec.model_path": str(paths["rec"]),
            "Cls.engine_type": EngineType.ONNXRUNTIME,
            "Cls.model_path": str(paths["cls"]),
        }
        if self._threads > 0:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = self._threads
        self._ocr = RapidOCR(params=params)
        self.models = paths
        return self._ocr

    def warm_up(self) -> None:
        """Load all sessions now (det, cls, rec) and run them once on a tiny image."""
        img = np.full((40, 200, 3), 255, np.uint8)
        img[15:25, 20:180] = 0
        with self._lock:
            ocr = self._load()
            ocr._load_det_model()
            if self._use_cls:
                ocr._load_cls_model()
            ocr._load_rec_model()
            ocr(img)
            ocr(img, use_det=False, use_cls=False, use_rec=True)
            ocr.update_params(use_det=True, use_cls=self._use_cls, use_rec=True)

    # -- reading -------------------------------------------------------------------------------------
    def read(self, image: np.ndarray) -> list[TextBox]:
        """OCR an RGB uint8 image (with the text-line direction classifier); boxes in reading order."""
        return self._read(image, self._use_cls)

    def read_screen(self, image: np.ndarray) -> list[TextBox]:
        """Like ``read`` without the direction classifier: screen text is never upside down."""
        return self._read(image, False)

    def read_document(self, image: np.ndarray, *, det_side: int | None = None, rec_min_width: int = 96,
                      min_score: float | None = None) -> list[TextBox]:
        """Like ``read``, tuned for a flattened document photo (``clerkdesk.capture``).

        A batch of short lines is padded to REC_MIN_WIDTH instead of 320 pixels (rapidocr pads every
        batch to at least 320 × 48, so a licence's many one- and two-character boxes cost as much as
        long lines). DET_SIDE, when given, runs detection on the image scaled to that long side (lines
        are still cut from the full image); it saves ~15 % CPU but moved boxes enough to change a few
        readings on degraded photos, so capture does not use it. MIN_SCORE (default: the engine's
        ``text_score``) keeps lower-scoring lines too: capture re-reads them after turning a page."""
        return self._read(image, self._use_cls, det_side=det_side, rec_min_width=rec_min_width,
                          min_score=min_score)

    def _read(self, image: np.ndarray, use_cls: bool, *, det_side: int | None = None,
              rec_min_width: int | None = None, min_score: float | None = None) -> list[TextBox]:
        bgr = _to_bgr(image)
        with self._lock:
            ocr = self._load()
            saved = None
            if det_side is not None or rec_min_width is not None:
                ocr._load_det_model()
                ocr._load_rec_model()
                det, rec = ocr.text_det, ocr.text_rec
                saved = (det.limit_side_len, det.limit_type, list(rec.rec_image_shape))
                if det_side is not None:
                    det.limit_side_len, det.limit_type = det_side, "max"
                if rec_min_width is not None:
                    rec.rec_image_shape = [*saved[2][:2], rec_min_width]
            try:
                res = ocr(bgr, use_det=True, use_cls=use_cls, use_rec=True, text_score=min_score)
            finally:
                ocr.update_params(use_det=True, use_cls=self._use_cls, use_rec=True, text_score=self._text_score)
                if saved is not None:
                    ocr.text_det.limit_side_len, ocr.text_det.limit_type, ocr.text_rec.rec_image_shape = saved
        boxes = getattr(res, "boxes", None)
        txts = getattr(res, "txts", None)
        scores = getattr(res, "scores", None)
        if boxes is None or txts is None or scores is None or len(txts) == 0:
            return []
        out = []
        for quad, text, score in zip(boxes, txts, scores, strict=False):
            q = tuple((float(x), float(y)) for x, y in np.asarray(quad).reshape(4, 2))
            out.append(TextBox(text=str(text), score=float(score), quad=q))  # type: ignore[arg-type]
        return sort_reading_order(out)

    def recognize(self, image: np.ndarray, quads: list[tuple[tuple[float, float], ...]], *,
                  rec_min_width: int = 96, min_score: float | None = None) -> list[TextBox]:
        """Recognition only (no detection, no direction classifier) of the text lines at QUADS (4 points
        clockwise from the line's top-left, image pixels): for re-reading a page whose lines are already
        known, e.g. after turning it upright. Lines scoring below MIN_SCORE (default ``text_score``) are dropped."""
        bgr = _to_bgr(image)
        crops, kept = [], []
        for q in quads:
            crop = _crop(bgr, np.asarray(q, np.float32).reshape(4, 2))
            if crop is not None:
                crops.append(crop)
                kept.append(q)
        if not crops:
            return []
        from rapidocr.ch_ppocr_rec import TextRecInput

        with self._lock:
            ocr = self._load()
            rec = ocr._load_rec_model()  # rapidocr's recogniser: the same model and decoding as ``read``
            saved = list(rec.rec_image_shape)
            rec.rec_image_shape = [*saved[:2], rec_min_width]
            try:
                res = rec(TextRecInput(img=crops, return_word_box=False))
            finally:
                rec.rec_image_shape = saved
        out = [TextBox(str(t), float(sc), tuple((float(x), float(y)) for x, y in q))  # type: ignore[arg-type]
               for q, t, sc in zip(kept, res.txts or (), res.scores or (), strict=False)
               if float(sc) >= (self._text_score if min_score is None else min_score) and str(t)]
        return sort_reading_order(out)

    def detect(self, image: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Detection only: the bounding boxes (x0, y0, x1, y1) of text lines, in reading order."""
        bgr = _to_bgr(image)
        with self._lock:
            ocr = self._load()
            try:
                res = ocr(bgr, use_det=True, use_cls=False, use_rec=False)
            finally:
                ocr.update_params(use_det=True, use_cls=self._use_cls, use_rec=True)
        boxes = getattr(res, "boxes", None)
        if boxes is None or len(boxes) == 0:
            return []
        out = []
        for quad in boxes:
            q = np.asarray(quad).reshape(4, 2)
            out.append((int(q[:, 0].min()), int(q[:, 1].min()), int(q[:, 0].max()) + 1, int(q[:, 1].max()) + 1))
        return sorted(out, key=lambda r: (r[1] // 8, r[0]))

    def read_line(self, image: np.ndarray) -> tuple[str, float]:
        """Recognition only (no detection): IMAGE is one line of text, e.g. a field's crop."""
        bgr = _to_bgr(image)
        with self._lock:
            ocr = self._load()
            try:
                res = ocr(bgr, use_det=False, use_cls=False, use_rec=True)
            finally:
                ocr.update_params(use_det=True, use_cls=self._use_cls, use_rec=True)
        txts = getattr(res, "txts", None)
        scores = getattr(res, "scores", None)
        if not txts:
            return "", 0.0
        return str(txts[0]), float(scores[0]) if scores else 0.0


def _crop(img: np.ndarray, pts: np.ndarray) -> np.ndarray | None:
    """The line at PTS warped to an upright rectangle (as rapidocr cuts lines after detection)."""
    import cv2

    w = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3])))
    h = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
    if w < 2 or h < 2:
        return None
    dst = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(pts, dst)
    crop = cv2.warpPerspective(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    return np.rot90(crop) if h >= 1.5 * w else crop  # a vertical line, read as rapidocr does


def _to_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"expected an RGB image (H, W, 3), got shape {image.shape}")
    if image.dtype != np.uint8:
        image = image.astype(np.uint8)
    return np.ascontiguousarray(image[:, :, 2::-1])
