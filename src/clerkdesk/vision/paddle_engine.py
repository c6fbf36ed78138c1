"""Optional OCR backend: PaddleOCR itself (``pip install 'clerkdesk[paddle]'``), chosen with
``CLERKDESK_OCR=paddle`` or ``get_engine("paddle")``.

UNTESTED: paddleocr/paddlepaddle are not installable in our build environment, so this adapter
has never run here. It is written against the documented PaddleOCR 3.x API
(``PaddleOCR(...).predict(img)`` → results with ``rec_texts``/``rec_scores``/``rec_polys``) and
falls back to the 2.x API (``ocr.ocr(img, cls=...)`` → ``[[quad, (text, score)], ...]``).

PaddleOCR downloads its models on first use unless told where they are. Service-hall PCs are
offline, so point it at unpacked model folders with ``CLERKDESK_PADDLE_DET_DIR`` and
``CLERKDESK_PADDLE_REC_DIR`` (3.x) before the first read.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np

from clerkdesk.errors import ConfigError
from clerkdesk.vision.ocr import TextBox, sort_reading_order


class PaddleOcrEngine:
    """``OcrEngine`` over PaddleOCR (imported lazily, on first use)."""

    name = "paddle"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ocr: Any = None
        self._v3 = True

    def _load(self) -> Any:
        if self._ocr is not None:
            return self._ocr
        try:
            import paddleocr
        except ImportError as e:
            raise ConfigError(
                "the PaddleOCR backend needs the optional extra: pip install 'clerkdesk[paddle]' "
                f"(paddleocr + paddlepaddle); or unset CLERKDESK_OCR to use the bundled rapidocr ({e})"
            ) from e
        version = str(getattr(paddleocr, "__version__", "3"))
        self._v3 = not version.startswith(("2.", "1."))
        if self._v3:
            kw: dict[str, Any] = {
                "use_doc_orientation_classify": False,
                "use_doc_unwarping": False,
                "use_textline_orientation": False,
            }
            if os.environ.get("CLERKDESK_PADDLE_DET_DIR"):
                kw["text_detection_model_dir"] = os.environ["CLERKDESK_PADDLE_DET_DIR"]
            if os.environ.get("CLERKDESK_PADDLE_REC_DIR"):
                kw["text_recognition_model_dir"] = os.environ["CLERKDESK_PADDLE_REC_DIR"]
            self._ocr = paddleocr.PaddleOCR(**kw)
        else:
            self._ocr = paddleocr.PaddleOCR(use_angle_cls=False, lang="ch", show_log=False)
        return self._ocr

    def read(self, image: np.ndarray) -> list[TextBox]:
        bgr = np.ascontiguousarray(image[:, :, 2::-1]) if image.ndim == 3 else image
        with self._lock:
            ocr = self._load()
            raw = ocr.predict(bgr) if self._v3 else ocr.ocr(bgr, cls=False)
        out: list[TextBox] = []
        if self._v3:
            for res in raw or []:
                texts = res["rec_texts"]
                scores = res["rec_scores"]
                polys = res.get("rec_polys", res.get("dt_polys"))
                for text, score, poly in zip(texts, scores, polys, strict=False):
                    out.append(_box(text, score, poly))
        else:
            for page in raw or []:
                for quad, (text, score) in page or []:
                    out.append(_box(text, score, quad))
        return sort_reading_order([b for b in out if b.text.strip()])


def _box(text: Any, score: Any, poly: Any) -> TextBox:
    pts = np.asarray(poly, dtype=float).reshape(-1, 2)
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    quad = ((x0, y0), (x1, y0), (x1, y1), (x0, y1)) if len(pts) != 4 else tuple(map(tuple, pts))
    return TextBox(text=str(text), score=float(score), quad=quad)  # type: ignore[arg-type]
