"""Where a document on screen is: a region the clerk marked, or a window (a 高拍仪 preview, a scan viewer).

The grab stays in memory; nothing is written to a file (PIPL: the caller decides whether to keep the image).
"""

from __future__ import annotations

import numpy as np


def grab_document(*, region: tuple[int, int, int, int] | None = None, window: str | None = None) -> np.ndarray:
    """RGB pixels of REGION (x, y, width, height in screen pixels) or of the client area of the window titled
    WINDOW (exact, contained, or ``re:REGEX``); the whole screen if neither. ValueError for a bad request,
    DriverError when there is no desktop session or no such window."""
    from clerkdesk.vision.screen import Rect, grab
    from clerkdesk.vision.windows import find_window, require_desktop

    if region is not None and window is not None:
        raise ValueError("give a screen region or a window, not both")
    if region is not None and (region[2] <= 0 or region[3] <= 0):
        raise ValueError(f"the screen region {region} is empty: give x,y,width,height with width and height > 0")
    require_desktop()
    if window is not None:
        rect = find_window(window).rect
    elif region is not None:
        x, y, w, h = region
        rect = Rect(x, y, x + w, y + h)
    else:
        rect = None
    return grab(rect).image
