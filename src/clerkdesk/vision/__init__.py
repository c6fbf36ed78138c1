"""Seeing and touching the screen: OCR engines, screenshots, windows, input, and the layout of fields.

``ocr`` (the OcrEngine seam, ``get_engine``), ``rapidocr_engine``/``ocr_paddle`` (backends),
``normalize`` (text matching), ``screen`` (mss screenshots), ``windows`` (find/focus windows; X11,
Windows seam, Wayland refusal), ``input`` (mouse, keys, clipboard paste), ``layout`` (locators on a
screenshot) and ``layout_cache``. Heavy packages (rapidocr, pyautogui, cv2) load on first use.
"""
