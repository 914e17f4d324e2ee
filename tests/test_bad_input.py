"""The bad-input suite: hostile files made at test time, one batch over all of them, each file's
outcome and reason asserted. Worker processes run under a memory cap (Options.max_memory_mb), so a
file that blows up memory is refused or quarantined, never the run's end."""
from __future__ import annotations

import codecs
import json
import os
import resource
import shutil
import time
from pathlib import Path

import pytest
from PIL import Image

from flows.files import walk
from flows.ingest import ingest_flow
from models import db
from models.options import Options
from tests.conftest import RAW, THAI_FONT

LETTER = (RAW / "002_dfd2a0fd8d76cdea.txt").read_bytes()
NUMBER = "มท 0891.3/ว 2556"
OPTIONS = Options(max_text_bytes=1_000_000, max_pages=20, max_memory_mb=1536, max_seconds=300)


def _pdf(pages: list[tuple[int, int]]) -> bytes:
    """A PDF of blank pages of the given sizes in points, written by hand (xref and all)."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>",
               b"<</Type/Pages/Kids[" + b" ".join(b"%d 0 R" % (3 + i) for i in range(len(pages)))
               + b"]/Count %d>>" % len(pages)]
    objects += [b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 %d %d]>>" % size for size in pages]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _encrypted_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "secret")
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.output(str(path))


def _insert(data: bytes, piece: bytes) -> bytes:
    """``piece`` put in the middle of the letter, between two lines."""
    middle = data.index(b"\n", len(data) // 2) + 1
    return data[:middle] + piece + data[middle:]


# name -> (expected status, words the reason or a warning must contain)
EXPECTED: dict[str, tuple[str, str]] = {}


def build_inbox(inbox: Path, outside: Path) -> None:
    def put(name: str, data: bytes | None, status: str, reason: str) -> None:
        EXPECTED[name] = (status, reason)
        if data is not None:
            path = inbox / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    put("letter.txt", LETTER, "loaded", "")
    put("copy-of-letter.txt", LETTER, "already_present", "")
    put("empty.txt", b"", "quarantined", "file is empty")
    put("blanks.txt", b" \n\t\n" * 100, "quarantined", "file is empty")
    put("controls-only.txt", bytes(range(1, 9)) * 50, "quarantined", "no text could be read")
    put("binary.txt", os.urandom(4096), "quarantined", "not UTF-8")
    put("utf16-no-bom.txt", LETTER.decode().encode("utf-16-le"), "loaded", "")
    put("utf16-be-bom.txt", codecs.BOM_UTF16_BE + LETTER.decode().encode("utf-16-be"), "loaded", "")
    put("utf32-bom.txt", LETTER.decode().encode("utf-32"), "loaded", "")
    put("utf32-no-bom.txt", LETTER.decode().encode("utf-32-le"), "loaded", "")
    put("stray-byte.txt", _insert(LETTER, b"\xff"), "loaded", "1 byte not valid UTF-8 replaced")
    put("nul-bytes.txt", _insert(LETTER, b"\x00\x00\x01"), "loaded", "3 control characters removed")
    put("impossible-dates.txt", _insert(LETTER, "ประชุมเมื่อวันที่ 31 กุมภาพันธ์ 2566 ถึง 5 มีนาคม พ.ศ. 99999\n".encode()),
        "loaded", "")
    put("huge-one-line.txt", "ก".encode() * 400_000, "quarantined", "over the 1,000,000-byte limit")
    put("deep.html", b"<html><body>" + b"<div>" * 50_000 + "<p>เรื่อง ขอเชิญประชุม</p>".encode()
        + b"</div>" * 50_000 + b"</body></html>", "loaded", "")
    put("scripts-only.html", b"<html><script>var a = 1;</script><style>p{}</style></html>", "quarantined",
        "no text could be read")
    put("blank-200-inch.pdf", _pdf([(14400, 14400)]), "quarantined", "200 × 200 inches")
    put("zero-pages.pdf", _pdf([]), "quarantined", "has no pages")
    put("too-many-pages.pdf", _pdf([(595, 842)] * 25), "quarantined", "25 pages, over the 20-page limit")
    put("truncated.pdf", _pdf([(595, 842)])[:60], "quarantined", "cannot open PDF")
    put("not-really.pdf", "เรื่อง ขอเชิญ".encode(), "quarantined", "cannot open PDF")
    put("encrypted.pdf", None, "quarantined", "password")
    _encrypted_pdf(inbox / "encrypted.pdf")
    for name, size, dpi, status, reason in (
            ("one-pixel.png", (1, 1), None, "quarantined", "1 × 1 pixels: too small to hold text"),
            ("dpi-1.png", (600, 800), (1, 1), "quarantined", "at 1 dpi"),
            ("dpi-25.png", (2480, 3508), (25, 25), "quarantined", "at 25 dpi")):
        put(name, None, status, reason)
        Image.new("L", size, 255).save(inbox / name, **({"dpi": dpi} if dpi else {}))
    put("bomb.png", None, "quarantined", "decompression bomb")
    Image.new("1", (20000, 20000), 1).save(inbox / "bomb.png")
    put("wide.png", None, "quarantined", "over the 60,000,000-pixel limit")
    Image.new("1", (12000, 6000), 1).save(inbox / "wide.png")
    put("truncated.png", (inbox / "one-pixel.png").read_bytes()[:30], "quarantined", "cannot read image")
    put("table.xlsx", b"PK\x03\x04", "skipped", "unsupported file type '.xlsx'")
    put("no-extension", b"data", "skipped", "unsupported file type '(no extension)'")
    put("quarantine", None, "skipped", "folder named quarantine")
    put("quarantine/old.txt", LETTER + b" ", "not seen", "")
    put("fifo.txt", None, "skipped", "a FIFO")
    os.mkfifo(inbox / "fifo.txt")
    put("loop-a.txt", None, "skipped", "symlink loop")
    put("loop-b.txt", None, "skipped", "symlink loop")
    os.symlink(inbox / "loop-b.txt", inbox / "loop-a.txt")
    os.symlink(inbox / "loop-a.txt", inbox / "loop-b.txt")
    put("broken-link.txt", None, "skipped", "broken symlink")
    os.symlink(inbox / "gone.txt", inbox / "broken-link.txt")
    (outside / "secret.txt").write_bytes(_insert(LETTER, "ความลับ".encode()))
    put("link-out.txt", None, "skipped", "outside the folder being loaded: refused")
    os.symlink(outside / "secret.txt", inbox / "link-out.txt")
    put("link-in.txt", None, "already_present", "")
    os.symlink(inbox / "letter.txt", inbox / "link-in.txt")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, prefect_harness):
    root = tmp_path_factory.mktemp("hostile")
    inbox, outside = root / "inbox", root / "outside"
    inbox.mkdir()
    outside.mkdir()
    build_inbox(inbox, outside)
    url, quarantine = f"sqlite:///{root / 'db.sqlite'}", root / "quarantine-out"
    started = time.perf_counter()
    report = ingest_flow([str(inbox)], url, str(quarantine), OPTIONS, workers=2)
    seconds = time.perf_counter() - started
    by_name = {Path(o.path).relative_to(inbox).as_posix(): o for o in report.outcomes}
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    rows = [f"{name:22} {o.status:16} {o.seconds:6.2f} s  {o.reason}" for name, o in sorted(by_name.items())]
    print("\n".join(["", f"bad-input batch: {len(by_name)} files in {seconds:.1f} s, "
                         f"worker peak RSS {peak_mb} MB (cap {OPTIONS.max_memory_mb} MB)"] + rows))
    return report, by_name, url, quarantine


def test_at_least_25_kinds(hostile_run):
    hostile = [name for name, (status, _) in EXPECTED.items() if name not in ("letter.txt", "quarantine/old.txt")]
    assert len(hostile) >= 25


def test_every_file_has_its_expected_outcome(hostile_run):
    report, by_name, url, _ = hostile_run
    problems = []
    for name, (status, reason) in EXPECTED.items():
        if status == "not seen":
            if name in by_name:
                problems.append(f"{name}: should not be read, got {by_name[name].status}")
            continue
        outcome = by_name.get(name)
        if outcome is None:
            problems.append(f"{name}: no outcome reported")
            continue
        same_letter = name in ("letter.txt", "copy-of-letter.txt", "link-in.txt")  # which one loads is a race
        if status != outcome.status and not (same_letter and outcome.status in ("loaded", "already_present")):
            problems.append(f"{name}: expected {status}, got {outcome.status} ({outcome.reason})")
        if reason and status != "loaded" and reason not in outcome.reason:
            problems.append(f"{name}: reason {outcome.reason!r} lacks {reason!r}")
    assert not problems, "\n".join(problems)
    assert report.exit_code() == 3  # some quarantined


def test_same_letter_three_ways_is_stored_once(hostile_run):
    _, by_name, _, _ = hostile_run
    statuses = sorted(by_name[n].status for n in ("letter.txt", "copy-of-letter.txt", "link-in.txt"))
    assert statuses == ["already_present", "already_present", "loaded"]


def test_loaded_encodings_read_the_letter_and_warnings_name_repairs(hostile_run):
    _, by_name, url, _ = hostile_run
    engine = db.connect(url)
    records = {Path(r["source"]["path"]).name: r for r in map(json.loads, db.export_records(engine, "jsonl").splitlines())}
    for name in ("utf16-no-bom.txt", "utf16-be-bom.txt", "utf32-bom.txt", "utf32-no-bom.txt", "stray-byte.txt",
                 "nul-bytes.txt"):
        assert records[name]["number"]["value"] == NUMBER, name
    assert any("1 byte not valid UTF-8 replaced" in w for w in records["stray-byte.txt"]["warnings"])
    assert any("control characters removed" in w for w in records["nul-bytes.txt"]["warnings"])
    assert "\x00" not in json.dumps(records["nul-bytes.txt"], ensure_ascii=False)
    assert records["deep.html"]["subject"] == "ขอเชิญประชุม"
    warned = " ".join(records["impossible-dates.txt"]["warnings"])
    assert "31 กุมภาพันธ์ 2566' dropped: February 2023 has no day 31" in warned and "year 99999" in warned
    # the NUL no longer hides the text after it from search
    assert any(r["path"].endswith("nul-bytes.txt") for r in db.search(engine, db.Query(text="ผู้ว่าราชการจังหวัด", limit=50)))
    # nothing of the file behind the refused link reached the database
    assert not db.search(engine, db.Query(text="ความลับ"))


def test_quarantine_holds_copies_with_reasons(hostile_run):
    _, by_name, _, quarantine = hostile_run
    entries = [json.loads((folder / "error.json").read_text(encoding="utf-8")) for folder in quarantine.iterdir()]
    quarantined = [o for o in by_name.values() if o.status == "quarantined"]
    assert sorted(e["path"] for e in entries) == sorted(o.path for o in quarantined)
    assert all(e["message"] and e["stage"] for e in entries)
