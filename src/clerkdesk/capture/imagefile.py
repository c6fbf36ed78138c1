"""Open a document image file, or say clearly why it cannot be read.

A clerk drops whatever the scanner or the phone left: an empty file from a failed transfer, a JPEG cut off
mid-copy, a 60-megapixel photo, a PDF, a Word file renamed ``.jpg``. Each gets one sentence in Chinese and
English (:class:`ImageFileError`, exit code 2 in the CLI, a message in the app) instead of an OpenCV
traceback. The content decides, not the name: a JPEG saved as ``scan.png`` is read; a PDF named
``scan.jpg`` is not an image. Messages never repeat the file name (scans are often named after the person);
the CLI prints the path beside the message itself.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from clerkdesk.errors import ClerkDeskError

MAX_BYTES = 50 * 1024 * 1024  # a 600 dpi A4 colour scan as PNG is ~30 MB
MAX_PIXELS = 80_000_000  # a 50 MP phone photo fits; a decompression bomb does not
MIN_SIDE = 100  # px: below this no card text is legible
FORMATS = ("PNG", "JPEG", "BMP", "TIFF", "WEBP", "MPO")  # MPO: phones' multi-picture JPEG

# first bytes of files people mistake for images
_NOT_IMAGES = (
    (b"%PDF", "PDF 文档 / a PDF document", "请在扫描软件中另存为 PNG 或 JPEG / save the page as PNG or JPEG"),
    (b"PK\x03\x04", "压缩包或 Office 文档 / a ZIP archive or an Office document", "请导出为图片 / export it as an image"),
    (b"\xd0\xcf\x11\xe0", "旧版 Office 文档 / an old Office document", "请导出为图片 / export it as an image"),
)


class ImageFileError(ClerkDeskError, ValueError):
    """The file is not a readable document image; the message says why and what to do."""

    exit_code = 2


def _sniff(head: bytes) -> str | None:
    for magic, what, todo in _NOT_IMAGES:
        if head.startswith(magic):
            return f"文件是{what.split(' / ')[0]}，不是图像；{todo.split(' / ')[0]} / the file is {what.split(' / ')[1]}, not an image; {todo.split(' / ')[1]}"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return ("文件是 HEIC 照片，暂不支持；请在手机上设置为“兼容性最佳”(JPEG) 后重拍 / the file is a HEIC photo, "
                "which is not supported; set the phone to JPEG ('Most Compatible') and take it again")
    return None


def _decode(p: Path) -> np.ndarray | None:
    import cv2

    bgr = cv2.imdecode(np.fromfile(p, dtype=np.uint8), cv2.IMREAD_COLOR)  # applies EXIF orientation
    return None if bgr is None else np.ascontiguousarray(bgr[:, :, ::-1])


def load_image(path: Path | str) -> np.ndarray:
    """The image at PATH as an upright RGB uint8 array (EXIF orientation applied), or :class:`ImageFileError`."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    p = Path(path)
    try:
        size = p.stat().st_size
        if size == 0:
            raise ImageFileError("图像文件是空的（0 字节），请重新扫描或重新复制 / the image file is empty (0 bytes); "
                                 "scan or copy it again")
        if size > MAX_BYTES:
            raise ImageFileError(f"图像文件过大（{size / 2**20:.0f} MB，上限 {MAX_BYTES // 2**20} MB），请降低扫描分辨率 / "
                                 f"the image file is too large ({size / 2**20:.0f} MB; at most {MAX_BYTES // 2**20} MB); "
                                 "scan at a lower resolution")
        with p.open("rb") as fh:
            head = fh.read(16)
    except OSError as e:
        raise ImageFileError(f"无法打开图像文件（{e.strerror or e}）/ cannot open the image file ({e.strerror or e})") from None
    sniffed = _sniff(head)
    if sniffed:
        raise ImageFileError(sniffed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(p)
            w, h = im.size
            if im.format not in FORMATS:
                raise ImageFileError(f"不支持的图像格式 {im.format}，请使用 PNG、JPEG、BMP、TIFF 或 WebP / "
                                     f"image format {im.format} is not supported; use PNG, JPEG, BMP, TIFF or WebP")
            if w * h > MAX_PIXELS:
                raise ImageFileError(f"图像像素过多（{w}×{h}），请降低分辨率 / the image has too many pixels ({w}×{h}); "
                                     "use a lower resolution")
            im.load()  # raises on a truncated file (ImageFile.LOAD_TRUNCATED_IMAGES stays False)
            rgb = _decode(p)  # the pixels as before (OpenCV), so readings do not shift with the decoder
            if rgb is None:
                rgb = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    except ImageFileError:
        raise
    except UnidentifiedImageError:
        raise ImageFileError("文件不是图像（PNG、JPEG、BMP、TIFF 或 WebP）/ the file is not an image "
                             "(PNG, JPEG, BMP, TIFF or WebP)") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError) as e:
        if "truncated" in str(e).lower() or "premature" in str(e).lower() or "broken" in str(e).lower():
            raise ImageFileError("图像文件不完整（传输或复制中断），请重新扫描或重新复制 / the image file is truncated "
                                 "(the transfer or copy was cut off); scan or copy it again") from None
        raise ImageFileError(f"图像文件已损坏，无法解码 / the image file is damaged and cannot be decoded ({e})") from None
    if min(rgb.shape[:2]) < MIN_SIDE:
        raise ImageFileError(f"图像太小（{rgb.shape[1]}×{rgb.shape[0]} 像素），无法识别文字；请至少 {MIN_SIDE} 像素 / "
                             f"the image is too small ({rgb.shape[1]}×{rgb.shape[0]} px) to read; at least {MIN_SIDE} px")
    return np.ascontiguousarray(rgb)


def as_rgb(image: np.ndarray) -> np.ndarray:
    """Pixels handed in by a caller (a screen grab, a camera frame) as RGB uint8, or :class:`ImageFileError`."""
    a = np.asarray(image)
    if a.ndim == 2:
        a = np.stack([a] * 3, axis=-1)
    if a.ndim != 3 or a.shape[2] < 3 or a.dtype != np.uint8:
        raise ImageFileError(f"图像数据应为 RGB uint8（高×宽×3），实为 {a.dtype} {a.shape} / "
                             f"image data must be RGB uint8 (height x width x 3), got {a.dtype} {a.shape}")
    if min(a.shape[:2]) < MIN_SIDE:
        raise ImageFileError(f"图像太小（{a.shape[1]}×{a.shape[0]} 像素），无法识别文字；请至少 {MIN_SIDE} 像素 / "
                             f"the image is too small ({a.shape[1]}×{a.shape[0]} px) to read; at least {MIN_SIDE} px")
    return np.ascontiguousarray(a[..., :3])
