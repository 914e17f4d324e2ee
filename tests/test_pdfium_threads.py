"""PDFium is not thread-safe: PDFs opened, read and rendered from several threads at once (as two
task threads or a web server would) all come out right, every call into PDFium holding one lock.

Unlocked, four threads opening, reading and rendering these PDFs straight through pypdfium2 (200
jobs) aborted the process ("bad_variant_access … variant is valueless"); through pipeline/pdf.py
this test did not reproduce that race without the lock either (pdfplumber's work spaces the calls
out), so it guards the concurrent path, not the lock alone."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from models.options import Options
from pipeline.pdf import _open, _page_image, read_pdf


def _pdfs(folder, count: int) -> list[str]:
    from fpdf import FPDF

    paths = []
    for n in range(count):
        pdf = FPDF()
        for page in range(3):
            pdf.add_page()
            pdf.set_font("helvetica", size=12)
            for line in range(30):
                pdf.cell(0, 8, f"Document {n} page {page} line {line}: circular on budget planning", new_x="LMARGIN",
                         new_y="NEXT")
        pdf.output(str(folder / f"doc{n}.pdf"))
        paths.append(str(folder / f"doc{n}.pdf"))
    return paths


def _read_and_render(path: str, options: Options) -> tuple[str, tuple[int, int]]:
    pages = read_pdf(path, options)
    document = _open(path)
    try:
        size = _page_image(document, 1, path, options).size
    finally:
        document.close()
    return pages[2].text, size


def test_pdfs_read_and_rendered_from_four_threads_at_once(tmp_path):
    paths = _pdfs(tmp_path, 4)
    options = Options(ocr_dpi=100)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda p: _read_and_render(p, options), paths * 10))
    for path, (text, size) in zip(paths * 10, results):
        assert f"Document {path[-5]} page 2 line 29" in text
        assert size[0] == 827 and size[1] in (1169, 1170)  # A4 at 100 dpi
