"""Find a Chromium-family browser to drive: configured path → installed Chrome/Edge/Chromium → Playwright's own."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from clerkdesk.errors import ConfigError

CANDIDATES_LINUX = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
                    "/usr/bin/google-chrome-stable", "/opt/google/chrome/chrome", "/usr/bin/microsoft-edge",
                    "/usr/bin/microsoft-edge-stable", "/snap/bin/chromium")
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge")


def _windows_candidates() -> list[str]:
    out = []
    for base in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)"), os.environ.get("LOCALAPPDATA")):
        if base:
            out += [rf"{base}\Google\Chrome\Application\chrome.exe", rf"{base}\Microsoft\Edge\Application\msedge.exe",
                    rf"{base}\Chromium\Application\chrome.exe"]
    return out


def find_browser(configured: str | None = None) -> str | None:
    """Path of the browser to launch, or None to let Playwright use its own (if installed)."""
    from clerkdesk.config import browser  # the machine policy's browser, else CLERKDESK_BROWSER

    configured = configured or browser()
    if configured:
        if Path(configured).is_file():
            return configured
        raise ConfigError(f"the configured browser {configured!r} (CLERKDESK_BROWSER or the machine policy's browser) "
                          "does not exist")
    cands = _windows_candidates() if sys.platform == "win32" else [
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
        "/Applications/Chromium.app/Contents/MacOS/Chromium"] if sys.platform == "darwin" else list(CANDIDATES_LINUX)
    for c in cands:
        if Path(c).is_file():
            return c
    for n in NAMES:
        w = shutil.which(n)
        if w:
            return w
    return None


def no_browser_message() -> str:
    return ("没有找到可用的浏览器 (no Chrome, Edge or Chromium found). Install one "
            "(Debian/UOS/Kylin: apt-get install chromium; Windows: Chrome or Edge), or point CLERKDESK_BROWSER "
            "at its executable.")


LAUNCH_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--no-default-browser-check", "--disable-features=Translate"]


def launch_args(proxy: str | None = None) -> list[str]:
    """Chromium's command line. PROXY (``socks5://127.0.0.1:port``): send *every* connection through it,
    loopback included, and let WebRTC use only proxied connections (see ``egress``)."""
    args = list(LAUNCH_ARGS)
    if proxy:
        args += [f"--proxy-server={proxy}", "--proxy-bypass-list=<-loopback>",
                 "--force-webrtc-ip-handling-policy=disable_non_proxied_udp"]
    if sys.platform.startswith("linux") and os.geteuid() == 0:
        args.insert(0, "--no-sandbox")  # Chromium refuses to start as root with its sandbox
    return args
