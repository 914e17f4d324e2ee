"""OCR on scans: saraban against plain Tesseract and OCRmyPDF, on the same synthetic scans.

Every dev document (and tests/gold_extra when present) is rendered with the shared
``render_scan.py`` at each quality (clean, office, poor; fixed seed) into page PNGs, an
image-only PDF and the text placed on each page (the ground truth). Then, per quality:

- ``saraban``: ``saraban extract <pdf>`` per document, timed (wall time, CLI start-up included);
  field micro-F1 of its records from the shared ``score.py``; character error rate of the
  normalised page text saraban reads (``Document(read_document(pdf)).text``, an untimed second
  read).
- ``tesseract tha`` and ``tesseract tha+eng``: ``tesseract page.png - -l LANG --oem 1 --psm 3`` on
  the PNG pages, ``--jobs`` pages at a time (saraban also OCRs two pages at a time by default),
  each with ``OMP_THREAD_LIMIT=1``.
- ``ocrmypdf``: ``ocrmypdf -l tha+eng --force-ocr --sidecar out.txt in.pdf out.pdf`` per PDF with
  ``--jobs``, when ``ocrmypdf`` is installed; CER of the sidecar text.

CER = sum of Levenshtein distances / sum of reference lengths over all pages, after both sides are
normalised as the shared scorer does (NFC, Thai digits to Arabic, ํา to ำ, zero-width characters
removed, then all white space removed). s/page = wall time / pages.

    .venv/bin/python benchmarks/ocr.py [--qualities clean,office,poor] [--limit N] [--work DIR]
                                       [--seed 7] [--jobs 2] [--engines ...] [--json]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared"
RENDER = SHARED / "tools" / "render_scan.py"
SCORE = SHARED / "tools" / "score.py"
DEFAULT_SETS = [(SHARED / "corpus/dev/docs", SHARED / "corpus/dev/gold"),
                (ROOT / "tests/gold_extra/docs", ROOT / "tests/gold_extra/gold")]
QUALITIES = ("clean", "office", "poor")
ENGINES = ("saraban", "tesseract", "ocrmypdf")
OCR_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def load_scorer():
    spec = importlib.util.spec_from_file_location("score", SCORE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NORM = load_scorer().norm


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- documents and renders -------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    text: Path
    gold: Path | None

    @property
    def name(self) -> str:
        return self.text.stem


@dataclass(frozen=True)
class Scan:
    """One document rendered at one quality: PDF, page images and per-page ground truth."""

    source: Source
    pdf: Path
    pngs: tuple[Path, ...]
    truths: tuple[str, ...]


def find_sources(limit: int | None) -> list[Source]:
    sources = []
    for docs, gold in DEFAULT_SETS:
        for text in sorted(docs.glob("*.txt")) if docs.is_dir() else []:
            gold_file = gold / f"{text.stem}.json"
            sources.append(Source(text, gold_file if gold_file.is_file() else None))
    return sources[:limit] if limit else sources


def scan_files(source: Source, out: Path) -> tuple[Path, list[Path], list[Path]]:
    name = source.name
    return out / f"{name}.pdf", sorted(out.glob(f"{name}-p[0-9]*.png")), sorted(out.glob(f"{name}-p[0-9]*.txt"))


def render(source: Source, quality: str, out: Path, seed: int) -> Scan:
    """Render once; a ``NAME.done`` marker says a previous render finished and is reused."""
    marker = out / f"{source.name}.done"
    if not marker.exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(RENDER), str(source.text), "-o", str(out), "--quality", quality,
                        "--seed", str(seed), "--pdf", "--write-text"],
                       check=True, stdout=subprocess.DEVNULL)
        marker.touch()
    pdf, pngs, texts = scan_files(source, out)
    if not pdf.exists() or not pngs or len(pngs) != len(texts):
        raise RuntimeError(f"incomplete render of {source.name} in {out}; delete {marker} to redo it")
    return Scan(source, pdf, tuple(pngs), tuple(t.read_text(encoding="utf-8") for t in texts))


def render_all(sources: list[Source], quality: str, work: Path, seed: int, jobs: int) -> list[Scan]:
    out = work / f"{quality}-seed{seed}"
    log(f"[{quality}] rendering {len(sources)} documents into {out} (reused when done before)")
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda s: render(s, quality, out, seed), sources))


# --- character error rate --------------------------------------------------------------------------

def levenshtein(a: str, b: str) -> int:
    """Edit distance with Myers'/Hyyrö's bit-parallel algorithm (Python ints as bit vectors).

    >>> levenshtein("kitten", "sitting"), levenshtein("", "abc"), levenshtein("ที่ มท", "ที มท")
    (3, 3, 1)
    """
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    masks: dict[str, int] = {}
    for i, ch in enumerate(b):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full, top = (1 << len(b)) - 1, 1 << (len(b) - 1)
    plus, minus, score = full, 0, len(b)
    for ch in a:
        eq = masks.get(ch, 0)
        xv = eq | minus
        xh = (((eq & plus) + plus) ^ plus) | eq
        ph = minus | ~(xh | plus)
        mh = plus & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = (ph << 1) | 1
        mh <<= 1
        plus = (mh | ~(xv | ph)) & full
        minus = ph & xv & full
    return score


@dataclass
class Errors:
    distance: int = 0
    length: int = 0

    def add(self, hypothesis: str, reference: str) -> None:
        hyp, ref = NORM(hypothesis), NORM(reference)
        self.distance += levenshtein(hyp, ref)
        self.length += len(ref)

    def add_pages(self, hypotheses: list[str], references: tuple[str, ...]) -> None:
        """Page by page; the whole document at once when the page counts disagree."""
        if len(hypotheses) != len(references):
            hypotheses, references = ["".join(hypotheses)], ("".join(references),)
        for hyp, ref in zip(hypotheses, references):
            self.add(hyp, ref)

    @property
    def cer(self) -> float:
        return self.distance / self.length if self.length else 0.0


# --- engines ---------------------------------------------------------------------------------------

@dataclass
class Result:
    quality: str
    engine: str
    pages: int = 0
    seconds: float = 0.0
    errors: Errors = field(default_factory=Errors)
    micro_f1: float | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def s_per_page(self) -> float:
        return self.seconds / self.pages if self.pages else 0.0

    def as_dict(self) -> dict:
        return {"quality": self.quality, "engine": self.engine, "pages": self.pages,
                "cer": round(self.errors.cer, 5), "distance": self.errors.distance,
                "reference_chars": self.errors.length, "micro_f1": self.micro_f1,
                "seconds": round(self.seconds, 2), "s_per_page": round(self.s_per_page, 3),
                "failures": self.failures}


def timed_run(args: list[str], **kwargs) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, env=OCR_ENV, check=False, **kwargs)
    return done, time.perf_counter() - start


def saraban_command() -> str:
    beside = Path(sys.executable).parent / "saraban"
    return str(beside) if beside.exists() else (shutil.which("saraban") or "saraban")


def saraban_pages(pdf: Path) -> list[str]:
    """The normalised text saraban's extractors read, one string per page."""
    from models.options import Options
    from pipeline.document import Document
    from pipeline.ingest import read_document
    from pipeline.normalise import PAGE_BREAK

    return Document(read_document(pdf, Options())).text.split(PAGE_BREAK)


def micro_f1(scans: list[Scan], predictions: Path) -> float | None:
    """The shared scorer on the records, against the gold of exactly these documents."""
    golds = [s.source.gold for s in scans if s.source.gold]
    if not golds:
        return None
    with tempfile.TemporaryDirectory(prefix="saraban-ocr-gold-") as gold_dir:
        for gold in golds:
            shutil.copy(gold, gold_dir)
        done = subprocess.run([sys.executable, str(SCORE), "--gold", gold_dir, "--pred", str(predictions)],
                              capture_output=True, text=True, check=True)
    last = done.stdout.strip().splitlines()[-1]
    return float(last.split("=", 1)[1]) if last.startswith("micro_f1=") else None


def run_saraban(quality: str, scans: list[Scan], out: Path) -> Result:
    result = Result(quality, "saraban")
    predictions = out / "saraban.jsonl"
    with predictions.open("w", encoding="utf-8") as sink:
        for scan in scans:
            log(f"[{quality}] saraban extract {scan.pdf.name}")
            done, seconds = timed_run([saraban_command(), "extract", str(scan.pdf)], text=True)
            result.seconds += seconds
            result.pages += len(scan.pngs)
            sink.write(done.stdout)
            if done.returncode != 0:
                result.failures.append(f"{scan.source.name}: {done.stderr.strip()[-300:]}")
            result.errors.add_pages(saraban_pages(scan.pdf), scan.truths)
    result.micro_f1 = micro_f1(scans, predictions)
    return result


def tesseract_page(png: Path, languages: str) -> str:
    done = subprocess.run(["tesseract", str(png), "-", "-l", languages, "--oem", "1", "--psm", "3"],
                          capture_output=True, text=True, env=OCR_ENV, check=True)
    return done.stdout


def run_tesseract(quality: str, scans: list[Scan], languages: str, jobs: int) -> Result:
    result = Result(quality, f"tesseract {languages}")
    log(f"[{quality}] tesseract -l {languages} on {sum(len(s.pngs) for s in scans)} pages")
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        texts = [list(pool.map(lambda png: tesseract_page(png, languages), scan.pngs)) for scan in scans]
    result.seconds = time.perf_counter() - start
    for scan, pages in zip(scans, texts):
        result.pages += len(scan.pngs)
        result.errors.add_pages(pages, scan.truths)
    return result


def run_ocrmypdf(quality: str, scans: list[Scan], out: Path, jobs: int) -> Result:
    result = Result(quality, "ocrmypdf tha+eng")
    for scan in scans:
        log(f"[{quality}] ocrmypdf {scan.pdf.name}")
        sidecar, pdf = out / f"{scan.source.name}.ocrmypdf.txt", out / f"{scan.source.name}.ocrmypdf.pdf"
        done, seconds = timed_run(["ocrmypdf", "-l", "tha+eng", "--force-ocr", "--jobs", str(jobs), "--quiet",
                                   "--sidecar", str(sidecar), str(scan.pdf), str(pdf)], text=True)
        result.seconds += seconds
        result.pages += len(scan.pngs)
        if done.returncode != 0 or not sidecar.exists():
            result.failures.append(f"{scan.source.name}: exit {done.returncode} {done.stderr.strip()[-300:]}")
            result.errors.add_pages([], scan.truths)  # nothing read: every reference character is an error
            continue
        result.errors.add_pages(sidecar.read_text(encoding="utf-8").split("\f"), scan.truths)
    return result


def ocrmypdf_available() -> bool:
    if shutil.which("ocrmypdf"):
        return True
    log("ocrmypdf is not installed, so it is left out; to compare with it: "
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ocrmypdf")
    return False


def bench_quality(quality: str, scans: list[Scan], work: Path, engines: set[str], jobs: int) -> list[Result]:
    out = work / "runs" / quality
    out.mkdir(parents=True, exist_ok=True)
    results = []
    if "saraban" in engines:
        results.append(run_saraban(quality, scans, out))
    if "tesseract" in engines:
        results += [run_tesseract(quality, scans, languages, jobs) for languages in ("tha", "tha+eng")]
    if "ocrmypdf" in engines and ocrmypdf_available():
        results.append(run_ocrmypdf(quality, scans, out, jobs))
    return results


# --- report ----------------------------------------------------------------------------------------

def speed_ratios(results: list[Result]) -> list[dict]:
    """saraban's s/page over plain Tesseract's, per quality and Tesseract language setting."""
    ratios = []
    for saraban in (r for r in results if r.engine == "saraban"):
        for plain in (r for r in results if r.quality == saraban.quality and r.engine.startswith("tesseract")):
            if plain.s_per_page:
                ratios.append({"quality": saraban.quality, "versus": plain.engine,
                               "ratio": round(saraban.s_per_page / plain.s_per_page, 2)})
    return ratios


def print_table(results: list[Result], settings: dict) -> None:
    print(f"documents={settings['documents']} seed={settings['seed']} jobs={settings['jobs']} "
          f"cpus={settings['cpus']}")
    print(f"{'quality':8} | {'engine':18} | {'pages':>5} | {'CER %':>6} | {'micro-F1':>8} | {'s/page':>6}")
    print("-" * 68)
    for r in results:
        f1 = f"{r.micro_f1:.4f}" if r.micro_f1 is not None else "—"
        print(f"{r.quality:8} | {r.engine:18} | {r.pages:5} | {100 * r.errors.cer:6.2f} | {f1:>8} | "
              f"{r.s_per_page:6.2f}")
    print()
    for ratio in speed_ratios(results):
        print(f"{ratio['quality']:8} saraban s/page / {ratio['versus']} s/page = {ratio['ratio']:.2f}")
    for r in results:
        for failure in r.failures:
            print(f"FAILED {r.quality} {r.engine}: {failure}")


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/saraban-ocr-bench"),
                    help="cache for renders and engine outputs (default /tmp/saraban-ocr-bench)")
    ap.add_argument("--qualities", default=",".join(QUALITIES),
                    help="comma-separated render qualities (default clean,office,poor)")
    ap.add_argument("--limit", type=int, help="only the first N documents")
    ap.add_argument("--seed", type=int, default=7, help="render seed (default 7)")
    ap.add_argument("--jobs", type=int, default=2,
                    help="pages OCR'd at once by plain Tesseract and OCRmyPDF, and renders at once "
                         "(default 2, like saraban's ocr_workers)")
    ap.add_argument("--engines", default=",".join(ENGINES),
                    help="comma-separated subset of saraban,tesseract,ocrmypdf (default all)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    args.qualities = [q for q in args.qualities.split(",") if q]
    args.engines = {e for e in args.engines.split(",") if e}
    for value, allowed in ((args.qualities, QUALITIES), (args.engines, ENGINES)):
        if bad := set(value) - set(allowed):
            ap.error(f"unknown {', '.join(sorted(bad))}; choose from {', '.join(allowed)}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    sources = find_sources(args.limit)
    if not sources:
        log("no documents found")
        return 1
    results = []
    for quality in args.qualities:
        scans = render_all(sources, quality, args.work, args.seed, args.jobs)
        results += bench_quality(quality, scans, args.work, args.engines, args.jobs)
    settings = {"documents": len(sources), "seed": args.seed, "jobs": args.jobs, "cpus": os.cpu_count(),
                "qualities": args.qualities, "work": str(args.work)}
    if args.json:
        print(json.dumps({"settings": settings, "results": [r.as_dict() for r in results],
                          "saraban_vs_tesseract_s_per_page": speed_ratios(results)}, ensure_ascii=False, indent=1))
    else:
        print_table(results, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
