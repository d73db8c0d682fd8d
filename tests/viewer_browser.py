"""Headless Chromium for the viewer page (tests/test_view_browser.py, tests/benchmarks/bench_view.py).

Debian's ``chromium`` (``.ci/run`` installs it) driven by Playwright (the ``[test]`` extra). WebGL2 comes
from ANGLE's SwiftShader software renderer, so no GPU is needed. Every request other than the page file
itself is aborted and recorded (``Viewer.blocked``): the page must work with no network.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
#: Software WebGL2 in headless Chromium (SwiftShader through ANGLE).
CHROMIUM_ARGS = ["--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


@dataclass
class Viewer:
    """An opened viewer page: the Playwright page, the requests it tried, the errors it raised."""

    page: object
    requests: list = field(default_factory=list)
    blocked: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def set_slider(self, selector: str, value) -> None:
        """Move a range input (or pick a select's option) as a user would: input and change events."""
        el = self.page.locator(selector)
        if el.evaluate("e => e.tagName") == "SELECT":
            el.select_option(str(value))
        else:
            el.fill(str(value))

    def metric(self, key: str):
        """A metric the page shows for "after" (``data-value`` of ``#fsv-m-KEY``): float, or the verdict text."""
        text = self.page.locator(f"#fsv-m-{key}").get_attribute("data-value")
        return text if key == "verdict" else float(text)


_BROWSER: list = []  # (playwright, browser) of this process, started on first use


def _browser():
    """This process's headless Chromium, launched once (a launch costs 1-2 s); closed at exit."""
    if not _BROWSER:
        import atexit

        from playwright.sync_api import sync_playwright

        if not CHROMIUM.exists():
            raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
        playwright = sync_playwright().start()
        _BROWSER.append((playwright, playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)))

        @atexit.register
        def _close():
            playwright_, browser_ = _BROWSER.pop()
            browser_.close()
            playwright_.stop()
    return _BROWSER[0][1]


@contextlib.contextmanager
def opened(html: Path, width: int = 1300, height: int = 900, timeout_ms: int = 120_000):
    """Open ``html`` from disk in headless Chromium with the network blocked; yields a ready :class:`Viewer`.
    Each page gets a browser context of its own (no state shared with other pages)."""
    context = _browser().new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        v = Viewer(page)
        page.on("request", lambda r: v.requests.append(r.url))
        page.on("pageerror", lambda e: v.errors.append(str(e)))

        def guard(route):
            if route.request.url == html.resolve().as_uri():
                route.continue_()
            else:
                v.blocked.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.goto(html.resolve().as_uri())
        page.wait_for_function("document.getElementById('fsv').dataset.ready !== '0'", timeout=timeout_ms)
        yield v
    finally:
        context.close()
