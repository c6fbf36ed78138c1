"""Find the card or licence in a photo and flatten it; turn and deskew what OCR reads.

* :func:`find_document` looks for the largest convex quadrilateral (OpenCV edges +
  contours, then a colour-distance-from-the-border mask as a second opinion) and
  :func:`rectify` warps it to a rectangle with the document's aspect ratio.
* Turning by 0/90/180/270 is decided from OCR (``documents.py``): text lines
  are wide when upright, and the labels' order says which way is up.
* :func:`deskew_boxes` removes a small residual skew from OCR geometry, so rows
  group correctly without a second OCR pass.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from clerkdesk.vision.ocr import TextBox

ASPECT = {"idcard-front": 85.6 / 54.0, "idcard-back": 85.6 / 54.0, "license": 1600 / 1130}
_WORK = 720  # analysis size (long side), pixels


def load_rgb(path: str) -> np.ndarray:
    """The image file as RGB; :class:`~clerkdesk.capture.imagefile.ImageFileError` says why it cannot be read."""
    from clerkdesk.capture.imagefile import load_image

    return load_image(path)


def _order(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    pts = pts.reshape(4, 2).astype(np.float32)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.float32([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]])


def _quad_from_mask(mask: np.ndarray, min_frac: float) -> np.ndarray | None:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area_img = mask.shape[0] * mask.shape[1]
    for c in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        area = cv2.contourArea(c)
        if area < min_frac * area_img:
            break
        hull = cv2.convexHull(c)
        peri = cv2.arcLength(hull, True)
        for eps in (0.02, 0.03, 0.05):
            approx = cv2.approxPolyDP(hull, eps * peri, True)
            # the shape must fill its quadrilateral: a card merged with a receipt touching it makes a hull
            # much larger than what is there, and warping that quad would skew the card
            if len(approx) == 4 and area >= 0.88 * cv2.contourArea(approx):
                return approx.reshape(4, 2).astype(np.float32)
        rect = cv2.minAreaRect(hull)
        if area > 0.85 * rect[1][0] * rect[1][1]:
            return cv2.boxPoints(rect).astype(np.float32)
    return None


def _plausible(quad: np.ndarray, w: int, h: int, aspect: float | None) -> bool:
    """Not the frame's own edges, and shaped like the document (either orientation)."""
    on_edge = sum(x < 3 or y < 3 or x > w - 4 or y > h - 4 for x, y in quad)
    if on_edge >= 2:
        return False
    tl, tr, br, bl = _order(quad)
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    if min(width, height) < 1:
        return False
    ratio = max(width, height) / min(width, height)
    return aspect is None or 0.7 * aspect < ratio < 1.4 * aspect


def _edge_support(quad: np.ndarray, edges: np.ndarray, samples: int = 48, side: int | None = None) -> float:
    """The weakest side's share of points that lie on an edge: a real outline is an edge all round, a quad
    that spans a card and the receipt touching it has a side running across paper and desk. SIDE (0-3: top,
    right, bottom, left): that side's share."""
    h, w = edges.shape
    tl, tr, br, bl = _order(quad)
    worst = 1.0
    sides = ((tl, tr), (tr, br), (br, bl), (bl, tl))
    for a, b in sides if side is None else sides[side:side + 1]:
        t = np.linspace(0.05, 0.95, samples)[:, None]
        pts = np.rint(a + (b - a) * t).astype(int)
        pts[:, 0] = pts[:, 0].clip(0, w - 1)
        pts[:, 1] = pts[:, 1].clip(0, h - 1)
        worst = min(worst, float((edges[pts[:, 1], pts[:, 0]] > 0).mean()))
    return worst


def _line_clusters(edges: np.ndarray, min_len: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Long straight edges as lines (a point and a unit direction), near-duplicates merged, longest first;
    split into mostly-horizontal and mostly-vertical ones."""
    segs = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=50, minLineLength=min_len, maxLineGap=8)
    if segs is None:
        return [], []
    clusters: list[list[float]] = []  # angle (0..180), rho, total length, x, y, dx, dy of the longest
    for x0, y0, x1, y1 in segs.reshape(-1, 4).astype(np.float64):
        length = math.hypot(x1 - x0, y1 - y0)
        dx, dy = (x1 - x0) / length, (y1 - y0) / length
        angle = math.degrees(math.atan2(dy, dx)) % 180
        rho = -x0 * dy + y0 * dx  # signed distance of the line from the origin
        for c in clusters:
            da = min(abs(c[0] - angle), 180 - abs(c[0] - angle))
            same_dir = abs(c[0] - angle) < 90
            if da < 3 and abs(c[1] - (rho if same_dir else -rho)) < 6:
                c[2] += length
                break
        else:
            clusters.append([angle, rho, length, x0, y0, dx, dy])
    clusters.sort(key=lambda c: -c[2])
    flat = [np.array(c[3:7]) for c in clusters if min(c[0], 180 - c[0]) < 40]
    steep = [np.array(c[3:7]) for c in clusters if 50 < c[0] < 130]
    return flat[:10], steep[:10]


def paper_edges(rgb: np.ndarray, angle: float = 0.0) -> list[tuple[float, float, float, float]]:
    """Long, mostly vertical straight edges in RGB — the sides of the card and of the papers around it — as
    segments (x0, y0, x1, y1) in image pixels, rotated by -ANGLE about the image centre like
    :func:`deskew_boxes` rotates the text boxes. About 10 ms at the analysis size."""
    h, w = rgb.shape[:2]
    scale = _WORK / max(h, w)
    small = cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), (5, 5), 0)
    segs = cv2.HoughLinesP(cv2.Canny(gray, 20, 60), 1, np.pi / 180, threshold=40,
                           minLineLength=0.08 * min(small.shape[:2]), maxLineGap=6)
    if segs is None:
        return []
    a = math.radians(-angle)
    c, s = math.cos(a), math.sin(a)
    cx, cy = w / 2, h / 2

    def rot(x: float, y: float) -> tuple[float, float]:
        x, y = x / scale - cx, y / scale - cy
        return (cx + x * c - y * s, cy + x * s + y * c)

    out = []
    for x0, y0, x1, y1 in segs.reshape(-1, 4).astype(np.float64):
        if abs(y1 - y0) < 1.2 * abs(x1 - x0):  # within ~40° of vertical
            continue
        (ax, ay), (bx, by) = rot(x0, y0), rot(x1, y1)
        out.append((ax, ay, bx, by) if ay <= by else (bx, by, ax, ay))
    return out


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    """The point where lines A and B (x, y, dx, dy) meet."""
    det = a[2] * b[3] - a[3] * b[2]
    if abs(det) < 1e-6:
        return None
    t = ((b[0] - a[0]) * b[3] - (b[1] - a[1]) * b[2]) / det
    return np.array([a[0] + t * a[2], a[1] + t * a[3]], np.float32)


def _quad_from_lines(edges: np.ndarray, support: np.ndarray, min_frac: float, aspect: float | None
                     ) -> np.ndarray | None:
    """The largest quadrilateral of four long straight edges (two mostly horizontal, two mostly vertical)
    that is an edge all round and shaped like the document. Finds a card whose blob merged with a receipt
    touching it: the card's sides are still straight lines, the merged blob's hull is not."""
    h, w = edges.shape
    flat, steep = _line_clusters(edges, 0.12 * min(h, w))
    thin = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    best, best_key = None, (0.0, 0.0)
    for i, top in enumerate(flat):
        for bottom in flat[i + 1:]:
            for j, left in enumerate(steep):
                for right in steep[j + 1:]:
                    pts = [_cross(top, left), _cross(top, right), _cross(bottom, right), _cross(bottom, left)]
                    if any(p is None or not (-2 <= p[0] <= w + 1 and -2 <= p[1] <= h + 1) for p in pts):
                        continue
                    quad = _order(np.float32(pts))
                    if not cv2.isContourConvex(quad.reshape(4, 1, 2)):
                        continue
                    area = cv2.contourArea(quad.reshape(4, 1, 2))
                    if area < min_frac * h * w or not _plausible(quad, w, h, aspect):
                        continue
                    if _edge_support(quad, support) < 0.8:
                        continue
                    # the quad whose sides lie most exactly on edges: a receipt's edge or a desk's stripe near
                    # the card's side is an edge too, but not along the whole side within a pixel or two
                    key = (sum(_edge_support(quad, thin, side=k) for k in range(4)), area)
                    if key > best_key:
                        best, best_key = quad, key
    return best


def find_document(rgb: np.ndarray, min_frac: float = 0.2, aspect: float | None = None) -> np.ndarray | None:
    """The document's 4 corners (TL, TR, BR, BL) in image pixels, or None if it fills the frame / isn't found.

    ASPECT (long side / short side), when given, rejects outlines not shaped like the document.
    """
    h, w = rgb.shape[:2]
    scale = _WORK / max(h, w)
    small = cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    candidates: list[np.ndarray | None] = []
    # 1) the document differs in colour from the desk around it: distance from the border's median colour
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)
    border = np.concatenate([lab[:4].reshape(-1, 3), lab[-4:].reshape(-1, 3), lab[:, :4].reshape(-1, 3), lab[:, -4:].reshape(-1, 3)])
    dist = np.linalg.norm(lab - np.median(border, axis=0), axis=2)
    if float(np.std(border, axis=0).mean()) < 25:
        mask = (dist > max(25.0, float(np.percentile(dist, 20)))).astype(np.uint8) * 255
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        candidates.append(_quad_from_mask(mask, min_frac))
    # 2) edges
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), (5, 5), 0)
    for lo, hi in ((40, 120), (20, 60)):
        edges = cv2.dilate(cv2.Canny(gray, lo, hi), np.ones((3, 3), np.uint8))
        filled = np.zeros_like(edges)
        contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
        candidates.append(_quad_from_mask(filled, min_frac))
    support = cv2.dilate(cv2.Canny(gray, 20, 60), np.ones((7, 7), np.uint8))
    quad = next((q for q in candidates if q is not None and _plausible(q, sw, sh, aspect)
                 and _edge_support(q, support) >= 0.7), None)
    if quad is None:  # 3) a blob merged with the papers around it: the card's four straight sides
        quad = _quad_from_lines(cv2.Canny(gray, 40, 120), support, min_frac, aspect)
    if quad is None:
        return None
    quad = _order(quad / scale)
    # a quad that nearly fills the frame and is nearly axis-aligned is a scan: nothing to flatten
    area = cv2.contourArea(quad.reshape(4, 1, 2))
    tl, tr, br, bl = quad
    tilt = max(abs(tr[1] - tl[1]), abs(br[1] - bl[1]), abs(bl[0] - tl[0]), abs(br[0] - tr[0]))
    if area > 0.85 * w * h and tilt < 0.02 * max(w, h):
        return None
    return quad


def rectify(rgb: np.ndarray, quad: np.ndarray, aspect: float) -> np.ndarray:
    """Warp QUAD to a rectangle, landscape or portrait as it lies, with the document's aspect ratio."""
    tl, tr, br, bl = quad
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    if width >= height:
        W = max(width, 1000.0)
        H = W / aspect
    else:
        H = max(height, 1000.0)
        W = H / aspect
    dst = np.float32([[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]])
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    return cv2.warpPerspective(rgb, m, (round(W), round(H)), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def limit_size(rgb: np.ndarray, long_side: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    if max(h, w) <= long_side:
        return rgb
    s = long_side / max(h, w)
    return cv2.resize(rgb, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)


def skew_angle(boxes: list[TextBox]) -> float:
    """Median angle (degrees) of the top edges of wide text boxes; 0 when there are too few."""
    angles = []
    for b in boxes:
        (x0, y0), (x1, y1) = b.quad[0], b.quad[1]
        bw = math.hypot(x1 - x0, y1 - y0)
        bh = math.hypot(b.quad[3][0] - x0, b.quad[3][1] - y0)
        if bw > 2.5 * bh and bw > 40:
            angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    return float(np.median(angles)) if len(angles) >= 3 else 0.0


def deskew_boxes(boxes: list[TextBox], angle: float, center: tuple[float, float]) -> list[TextBox]:
    """Rotate box geometry by -ANGLE about CENTER (texts stay as read)."""
    if abs(angle) < 0.3:
        return boxes
    a = math.radians(-angle)
    c, s = math.cos(a), math.sin(a)
    cx, cy = center

    def rot(p: tuple[float, float]) -> tuple[float, float]:
        x, y = p[0] - cx, p[1] - cy
        return (cx + x * c - y * s, cy + x * s + y * c)

    return [TextBox(b.text, b.score, tuple(rot(p) for p in b.quad)) for b in boxes]  # type: ignore[arg-type]


def flip_boxes(boxes: list[TextBox], w: int, h: int) -> list[TextBox]:
    """Box geometry of the same image turned by 180° (texts stay as read)."""
    out = []
    for b in boxes:
        q = [(w - x, h - y) for x, y in b.quad]
        out.append(TextBox(b.text, b.score, (q[2], q[3], q[0], q[1])))
    return out


def rotate90(img: np.ndarray, degrees: int) -> np.ndarray:
    """Turn clockwise by 0/90/180/270: the image counterpart of :func:`turn_boxes` (contiguous for OpenCV)."""
    return np.ascontiguousarray(np.rot90(img, k=-(degrees // 90) % 4))


def turn_boxes(boxes: list[TextBox], degrees: int, w: int, h: int) -> list[TextBox]:
    """Box geometry of a W×H image turned clockwise by 90/180/270 (texts stay as read), each quad
    again starting at its top-left corner."""
    k = (degrees // 90) % 4
    if k == 0:
        return boxes
    if k == 2:
        return flip_boxes(boxes, w, h)
    out = []
    for b in boxes:
        # clockwise 90: (x, y) → (h - y, x); 270: (x, y) → (y, w - x)
        q = [(h - y, x) if k == 1 else (y, w - x) for x, y in b.quad]
        tl, tr, br, bl = _order(np.float32(q))
        out.append(TextBox(b.text, b.score, tuple((float(p[0]), float(p[1])) for p in (tl, tr, br, bl))))  # type: ignore[arg-type]
    return out


def is_vertical(boxes: list[TextBox]) -> bool:
    """Most multi-character text lines are taller than wide: the image is turned by 90° or 270°."""
    tall = wide = 0
    for b in boxes:
        x0, y0, x1, y1 = b.bbox
        if len(b.text) < 3:
            continue
        if (y1 - y0) > 1.5 * (x1 - x0):
            tall += 1
        elif (x1 - x0) > 1.5 * (y1 - y0):
            wide += 1
    return tall > wide
