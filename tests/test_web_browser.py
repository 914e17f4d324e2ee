"""The review page in a real headless Chromium (Debian's chromium and chromedriver, driven by
Selenium with the driver's path given, so Selenium Manager downloads nothing): search, open a
scanned document, see a value's box on its page, correct the value, and find the correction in the
API, the export and after re-extraction.

``SARABAN_SCREENSHOT=docs/review-page.png`` saves the review page as the README shows it."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from flows.cli import main
from flows.web import create_app, extract_with_layout
from models import db, review
from models.options import Options
from tests.conftest import RAW

CHROMIUM = Path(os.environ.get("SARABAN_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("SARABAN_CHROMEDRIVER", "/usr/bin/chromedriver"))
TOKEN = "browser-test-token"
SCAN = RAW / "scan_002_dfd2a0fd8d76cdea-p01.png"
LETTER = RAW / "002_dfd2a0fd8d76cdea.txt"

pytestmark = [
    pytest.mark.browser, pytest.mark.ocr, pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
                       reason=f"no {CHROMIUM} or {CHROMEDRIVER}: `make test` installs Debian's chromium and "
                              "chromium-driver"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An archive of the scanned letter (with its word boxes) and the same letter as text, served by
    uvicorn on a free local port."""
    import uvicorn

    folder = tmp_path_factory.mktemp("site")
    url = f"sqlite:///{folder / 'archive.db'}"
    engine = review.connect(url)
    for path in (SCAN, LETTER):
        record, text, pages = extract_with_layout(str(path), Options())
        db.load_record(engine, record, text)
        review.store_layouts(engine, record.source.sha256, pages)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(url, TOKEN), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield {"base": f"http://127.0.0.1:{port}", "url": url, "folder": folder}
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                     "--lang=th-TH"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def click(browser, element) -> None:
    """A click on an element brought to the middle of the window first (the page scrolls in parts)."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url) as answer:
        return json.loads(answer.read())


def sha_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_review_a_scanned_document_in_chromium(site, browser, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    base, sha = site["base"], sha_of(SCAN)
    # Search: both copies of the letter carry its number; the scan is the one read by OCR.
    browser.get(base + "/")
    assert "ค้นหา" in browser.title
    browser.find_element(By.ID, "q").send_keys("มท 0891.3")
    browser.find_element(By.ID, "search-button").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert len(rows) == 2
    scan_row = next(row for row in rows if "สแกน" in row.text)
    assert "7 ธันวาคม 2556" in scan_row.text and "หนังสือภายนอก" in scan_row.text
    scan_row.find_element(By.CSS_SELECTOR, "a.doc-link").click()
    assert browser.current_url.endswith(f"/documents/{sha}")

    # The page image is there, and the document number's evidence is a box on it.
    image = browser.find_element(By.CSS_SELECTOR, "img.page-image")
    deadline = time.time() + 20
    while not browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image):
        assert time.time() < deadline, "the page image did not load"
        time.sleep(0.1)
    box = browser.find_element(By.CSS_SELECTOR, 'rect.box[data-pointer="/number/value"]')
    page, mark = image.rect, box.rect
    assert mark["width"] > 20 and mark["height"] > 5
    assert page["x"] <= mark["x"] and mark["x"] + mark["width"] <= page["x"] + page["width"]
    assert page["y"] <= mark["y"] < page["y"] + page["height"] * 0.25, "the number line is near the page's top"
    card = browser.find_element(By.CSS_SELECTOR, 'article.value[data-pointer="/number/value"]')
    assert "มท 0891.3/ว 2556" in card.text and "%" in card.find_element(By.CSS_SELECTOR, ".conf").text
    click(browser, card.find_element(By.CSS_SELECTOR, ".shown"))
    assert "active" in box.get_attribute("class")

    # Sign in with the archive's token, then correct the subject.
    browser.find_element(By.ID, "login-link").click()
    browser.find_element(By.ID, "reviewer").send_keys("สมศรี ผู้ตรวจ")
    browser.find_element(By.ID, "token").send_keys(TOKEN)
    browser.find_element(By.ID, "login-button").click()
    assert browser.find_element(By.ID, "reviewer-name").text == "สมศรี ผู้ตรวจ"
    assert browser.current_url.endswith(f"/documents/{sha}")
    card = browser.find_element(By.CSS_SELECTOR, 'article.value[data-pointer="/subject"]')
    new_value = card.find_element(By.CSS_SELECTOR, "input.new-value")
    new_value.clear()
    new_value.send_keys("ขอความร่วมมือประชาสัมพันธ์บันทึกข้อตกลง <b>ตรวจแล้ว</b>")
    card.find_element(By.CSS_SELECTOR, "input.reason").send_keys("อ่านจากต้นฉบับ")
    click(browser, card.find_element(By.CSS_SELECTOR, "button.save"))
    card = browser.find_element(By.CSS_SELECTOR, 'article.value[data-pointer="/subject"]')
    assert "แก้ไขแล้ว" in card.text and "<b>ตรวจแล้ว</b>" in card.find_element(By.CSS_SELECTOR, ".shown").text
    click(browser, card.find_element(By.CSS_SELECTOR, "details.history summary"))
    assert "สมศรี ผู้ตรวจ" in card.find_element(By.CSS_SELECTOR, "details.history").text
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text

    def corrected_everywhere():
        record = get_json(f"{base}/api/documents/{sha}")["record"]
        assert record["subject"].endswith("<b>ตรวจแล้ว</b>")
        with urllib.request.urlopen(f"{base}/api/export.csv?excel=true") as answer:
            rows = list(csv.DictReader(io.StringIO(answer.read().decode("utf-8-sig"))))
        assert next(r for r in rows if r["รหัสเอกสาร (sha256)"] == sha)["เรื่อง"].endswith("<b>ตรวจแล้ว</b>")
        out = tmp_path / "records.jsonl"
        assert main(["export", "--db", site["url"], "-o", str(out)]) == 0
        exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert next(r for r in exported if r["source"]["sha256"] == sha)["subject"].endswith("<b>ตรวจแล้ว</b>")

    corrected_everywhere()
    loaded_before = get_json(f"{base}/api/documents/{sha}")["loaded_at"]
    # Re-extraction (OCR again) from the page's own button: the correction stays over the new record.
    button = browser.find_element(By.ID, "reextract")
    button.click()
    # OCR runs again before the answer comes: wait for the new page, not the old one still on screen.
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def replaced(_driver) -> bool:
        # While the new page loads, Chromium may answer for the old node with "does not belong to
        # the document" rather than as a stale element: both mean the old page is gone.
        try:
            button.is_enabled()
            return False
        except WebDriverException:
            return True

    WebDriverWait(browser, 180).until(replaced)
    browser.find_element(By.ID, "doc-title")
    assert get_json(f"{base}/api/documents/{sha}")["loaded_at"] != loaded_before
    corrected_everywhere()
    card = browser.find_element(By.CSS_SELECTOR, 'article.value[data-pointer="/subject"]')
    assert "แก้ไขแล้ว" in card.text
    assert browser.find_elements(By.CSS_SELECTOR, 'rect.box[data-pointer="/number/value"]')
    if os.environ.get("SARABAN_SCREENSHOT"):
        shutil.copy(save_screenshot(browser, tmp_path), os.environ["SARABAN_SCREENSHOT"])


def save_screenshot(browser, folder: Path) -> Path:
    path = folder / "review.png"
    browser.save_screenshot(str(path))
    return path


def test_a_text_document_shows_its_spans_and_the_queue_lists_values_to_review(site, browser):
    from selenium.webdriver.common.by import By

    base = site["base"]
    browser.get(f"{base}/documents/{sha_of(LETTER)}")
    card = browser.find_element(By.CSS_SELECTOR, 'article.value[data-pointer="/number/value"]')
    assert "มท 0891.3/ว 2556" in card.text
    # The source is shown as written (Thai digits); the number's span is marked in it.
    marks = browser.find_elements(By.CSS_SELECTOR, f'#source-text mark[data-anchor="{card.get_attribute("id")}"]')
    assert "".join(mark.text for mark in marks) == "มท ๐๘๙๑.๓/ว ๒๕๕๖"
    click(browser, card.find_element(By.CSS_SELECTOR, ".shown"))
    assert all("active" in mark.get_attribute("class") for mark in marks)
    browser.get(f"{base}/queue")
    assert "รายการรอตรวจ" in browser.find_element(By.TAG_NAME, "h1").text
    reasons = [row.find_elements(By.TAG_NAME, "td")[0].text
               for row in browser.find_elements(By.CSS_SELECTOR, "#queue tbody tr")]
    assert reasons == sorted(reasons, key=lambda r: r != "ความเชื่อมั่นต่ำ")
    # The API's own page works without the internet: Swagger UI from local files lists the operations.
    browser.get(f"{base}/docs")
    operations = browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    assert "/api/documents" in {op.text.replace("\u200b", "") for op in operations}
