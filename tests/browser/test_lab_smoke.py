"""Browser smoke test: the course opens in JupyterLab and its stored outputs render.

nbval checks what the chapters *compute*; this checks what a student *sees* after
``make lab``: a headless Chromium opens every ``chapters/*.ipynb`` in a real JupyterLab
server and asserts that the notebook's cells are on the page, its first heading is
visible, every stored picture (graphviz/matplotlib SVG, PNG) rendered as an image, and no
picture is wider than the output area it sits in (a wider one is cut off or shrunk
until its text is unreadable). Pictures render only in trusted notebooks, so this also
checks ``jupyter trust``.

Isolation: the server gets a fresh Jupyter config/data/runtime dir, settings and
workspaces dir, and a random token; Chromium gets a fresh profile. Only the processes
this test started are stopped afterwards.

Needs Debian's ``chromium`` (``make test`` installs it when run as root) and the
``playwright`` package (pinned in requirements/lock.txt). Playwright only drives the
system's Chromium: ``playwright install`` (a browser download) is never needed.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((REPO / "chapters").glob("*.ipynb"))
TIMEOUT_S = 60  # every wait is bounded by this
VIEWPORT = {"width": 1280, "height": 900}  # the notebook's output area is about 850 px wide
# For every picture in an output area: the width it asks for (an <img>'s width attribute, as
# JupyterLab sets it from a retina PNG's metadata, else its natural width; an <svg>'s width)
# and the width it takes on the page, each against the output area's width.
_TOO_WIDE_JS = """(sel) => {
    const found = [];
    document.querySelectorAll(sel.cells).forEach((cell, index) => {
        cell.querySelectorAll('.jp-OutputArea-output').forEach((area) => {
            const room = area.clientWidth;
            area.querySelectorAll('img, svg').forEach((pic) => {
                if (pic.tagName.toLowerCase() === 'svg' && pic.parentElement.closest('svg')) return;
                const asked = pic.tagName.toLowerCase() === 'img'
                    ? (pic.getAttribute('width') ? Number(pic.getAttribute('width')) : pic.naturalWidth)
                    : pic.width.baseVal.value;
                const shown = pic.getBoundingClientRect().width;
                if (Math.max(asked, shown) > room + 1) {
                    found.push(`cell ${index}: an <${pic.tagName.toLowerCase()}> ${Math.round(asked)} px wide`
                               + ` (shown ${Math.round(shown)} px) in an output area of ${room} px`);
                }
            });
        });
    });
    return found;
}"""
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


# --------------------------------------------------------------------------- notebooks


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _first_heading(nb) -> str | None:
    """Text of the first markdown heading (``# Title`` → ``Title``), without markup."""
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in _source(cell).splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                text = stripped.lstrip("#").strip()
                for ch in "*_`":
                    text = text.replace(ch, "")
                return text or None
    return None


def _image_outputs(nb) -> int:
    """How many stored outputs carry a picture JupyterLab shows as an image."""
    return sum(
        1
        for cell in nb["cells"]
        if cell["cell_type"] == "code"
        for out in cell.get("outputs", [])
        if {"image/svg+xml", "image/png", "image/jpeg"} & set(out.get("data", {}))
    )


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5):
    with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 (loopback only)
        return r.status


def _stop(proc: subprocess.Popen, base: str, token: str) -> None:
    """Stop the server we started and whatever it started (its kernels), nothing else."""
    try:
        import psutil

        children = psutil.Process(proc.pid).children(recursive=True)
    except Exception:  # noqa: BLE001 - psutil missing or the server already gone
        children = []
    if proc.poll() is None:
        # A clean shutdown first: jupyter_server stops its kernels (own sessions) too.
        try:
            req = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(req, timeout=5).close()  # noqa: S310
        except Exception:  # noqa: BLE001
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)  # the server runs in its own process group
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            pass
    for child in children:  # kernels run in their own sessions: stop any left over
        try:
            if child.is_running():
                child.terminate()
                child.wait(timeout=5)
        except Exception:  # noqa: BLE001
            try:
                child.kill()
            except Exception:  # noqa: BLE001
                pass


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free loopback port, isolated in temporary dirs."""
    if not CHAPTERS:
        pytest.skip("no chapters/*.ipynb yet: nothing to open")
    chromium = _chromium()
    if chromium is None:
        pytest.skip("needs Debian's chromium: sudo apt-get install chromium")
    pytest.importorskip("playwright.sync_api", reason="needs playwright: make setup (requirements/lock.txt)")

    tmp = tmp_path_factory.mktemp("lab")
    dirs = {name: tmp / name for name in ("config", "data", "runtime", "settings", "workspaces", "profile")}
    for d in dirs.values():
        d.mkdir()
    # Never ask about (or fetch) Jupyter news, and never save the course's notebooks.
    settings = {
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "docmanager-extension/plugin": {"autosave": False},
    }
    for plugin, values in settings.items():
        path = dirs["settings"] / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))

    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),  # the trust database lives here
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        JUPYTER_PLATFORM_DIRS="1",
    )
    jupyter = [sys.executable, "-m", "jupyter"]

    # Trust the chapters in the temporary data dir: untrusted notebooks show no SVG.
    trust = subprocess.run(
        [*jupyter, "trust", *map(str, CHAPTERS)],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT_S,
    )
    assert trust.returncode == 0, f"jupyter trust failed:\n{trust.stdout}{trust.stderr}"

    port, token = _free_port(), secrets.token_hex(24)
    base = f"http://127.0.0.1:{port}"
    args = [
        *jupyter, "lab", "--no-browser", f"--port={port}", "--port-retries=0",
        f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={REPO}",
        f"--LabApp.user_settings_dir={dirs['settings']}",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
    ]
    if os.geteuid() == 0:
        args.append("--allow-root")
    log_path = tmp / "jupyter-lab.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            args, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )

    def log_tail() -> str:
        return log_path.read_text(errors="replace")[-4000:]

    try:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {proc.returncode} before answering:\n{log_tail()}")
            try:
                if _get(f"{base}/api/status?token={token}") == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer on {base} within {TIMEOUT_S} s:\n{log_tail()}")
            time.sleep(0.25)

        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(dirs["profile"]),  # a new, empty --user-data-dir
                executable_path=chromium,
                headless=True,
                args=CHROMIUM_FLAGS,
                viewport=VIEWPORT,
            )
            context.set_default_timeout(TIMEOUT_S * 1000)
            try:
                yield {"base": base, "token": token, "context": context, "log": log_tail}
            finally:
                context.close()
    finally:
        _stop(proc, base, token)


# --------------------------------------------------------------------------- the test


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_renders(lab, notebook: Path):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    n_cells = len(nb["cells"])
    heading = _first_heading(nb)
    n_images = _image_outputs(nb)
    rel = notebook.relative_to(REPO).as_posix()

    page = lab["context"].new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # A workspace of its own per notebook: no tab from an earlier page is restored.
        url = f"{lab['base']}/lab/workspaces/smoke-{notebook.stem}/tree/{rel}?reset&token={lab['token']}"
        page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_S * 1000)
        panel = ".jp-NotebookPanel:has(.jp-Notebook):not(.lm-mod-hidden)"
        cells = f"{panel} .jp-Cell"

        def wait_for(js: str, arg, what: str) -> None:
            try:
                page.wait_for_function(js, arg=arg, timeout=TIMEOUT_S * 1000)
            except Exception as exc:  # noqa: BLE001 - playwright's TimeoutError
                found = page.evaluate(
                    """(sel) => ({cells: document.querySelectorAll(sel.cells).length,
                                 images: document.querySelectorAll(sel.images).length,
                                 title: document.title})""",
                    {"cells": cells, "images": f"{panel} .jp-OutputArea-output img, {panel} .jp-OutputArea-output svg"},
                )
                pytest.fail(
                    f"{rel}: {what} within {TIMEOUT_S} s (page shows {found}; "
                    f"page errors: {errors or 'none'}; {type(exc).__name__})\n"
                    f"server log tail:\n{lab['log']()[-1500:]}"
                )

        wait_for(
            "([sel, n]) => document.querySelectorAll(sel).length >= n",
            [cells, n_cells],
            f"JupyterLab did not show the notebook's {n_cells} cells",
        )
        if heading:
            wait_for(
                """([sel, text]) => Array.from(document.querySelectorAll(sel)).some(
                       h => h.textContent.replace('¶', '').trim().includes(text))""",
                [f"{panel} .jp-RenderedMarkdown h1, {panel} .jp-RenderedMarkdown h2, "
                 f"{panel} .jp-RenderedMarkdown h3, {panel} .jp-RenderedMarkdown h4", heading],
                f"the first heading {heading!r} did not render",
            )
        if n_images:
            # Every stored picture is an <img> (SVG is shown as an image too) that decoded,
            # or an inline <svg>; an untrusted SVG would show as text instead.
            wait_for(
                """([sel, n]) => {
                       const imgs = Array.from(document.querySelectorAll(sel + ' img'))
                           .filter(i => i.complete && i.naturalWidth > 0);
                       const svgs = document.querySelectorAll(sel + ' > svg, ' + sel + ' .jp-RenderedSVG svg');
                       return imgs.length + svgs.length >= n;
                   }""",
                [f"{panel} .jp-OutputArea-output", n_images],
                f"not all of its {n_images} stored pictures (SVG/PNG outputs) rendered as images"
                " (untrusted notebook?)",
            )
            too_wide = page.evaluate(_TOO_WIDE_JS, {"cells": cells})
            assert not too_wide, (
                f"{rel}: pictures wider than the output area ({VIEWPORT['width']} px window):\n"
                + "\n".join(too_wide))
    finally:
        page.close()
