"""OCR on scans: saraban against plain Tesseract and OCRmyPDF, on the same synthetic scans.

Every dev document (and tests/gold_extra when present) is rendered with the shared
``render_scan.py`` at each quality (clean, office, poor; fixed seed) into page PNGs, an
image-only PDF and the text placed on each page (the ground truth). Then, per quality and
document, each engine in turn (interleaved, so background load falls on all of them alike):

- ``saraban``: ``saraban extract <pdf>``, timed (CLI start-up, rasterising and extraction
  included); field micro-F1 of its records from the shared ``score.py``; character error rate of
  the normalised page text saraban reads (``saraban_pages``: OCR and normalisation, without
  the deliberate conversion of printed markup source; from a second, untimed read). saraban OCRs two pages at a time by default (``Options.ocr_workers``).
- ``tesseract tha`` and ``tesseract tha+eng``: ``tesseract page.png - -l LANG --oem 1 --psm 3`` on
  the PNG pages, ``--jobs`` pages at a time.
- ``ocrmypdf tha+eng``: ``ocrmypdf -l tha+eng --force-ocr --jobs N --sidecar out.txt in.pdf
  out.pdf``, when ``ocrmypdf`` is installed; CER of the sidecar text.

Every OCR process runs with ``OMP_THREAD_LIMIT=1``. CER = sum of Levenshtein distances / sum of
reference lengths over all pages, after both sides are normalised as the shared scorer does (NFC,
Thai digits to Arabic, ํา to ำ, zero-width characters removed, then all white space removed; white
space is also removed first, so that letter-spaced ``ส ํ า`` counts as ``สำ``).
OCR s/page = wall time of the reading stage / pages: for saraban, what ``extract --timings`` reports
for ``read`` (open the PDF, rasterise, prepare, Tesseract, re-reads: the work plain Tesseract does),
for the others their whole run. s/page = wall time / pages, for saraban the whole ``saraban
extract`` of one document (start-up, normalisation and extraction too). CPU s/page = CPU time of
the engine's processes / pages, which other load on the machine disturbs far less.

    .venv/bin/python benchmarks/ocr.py [--qualities clean,office,poor] [--limit N] [--work DIR]
                                       [--seed 7] [--jobs 2] [--engines ...] [--json]

Renders are cached in the work folder (default /tmp/saraban-ocr-bench); engine outputs go to
WORK/runs/QUALITY/ and the last results, as JSON, to WORK/runs/results.json.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

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
INSTALL_OCRMYPDF = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ocrmypdf"


def load_scorer():
    spec = importlib.util.spec_from_file_location("score", SCORE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCORER_NORM = load_scorer().norm


def normalise(text: str) -> str:
    """The shared scorer's normalisation, with white space removed first as well as last.

    OCRmyPDF's sidecar sometimes spaces Thai letters apart ("ส ํ า"); the scorer's ํา → ำ rule runs
    before its white space removal and would miss those, counting an error the text does not have.

    >>> normalise("ส ํ า นัก ๑๒"), normalise("สำนัก 12")
    ('สำนัก12', 'สำนัก12')
    """
    return SCORER_NORM("".join(text.split()))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def source_digest() -> str:
    """A short hash of saraban's code and rules, to tell which version a table measured."""
    digest = hashlib.sha256()
    for package in ("models", "pipeline", "extractors", "flows"):
        for path in sorted((ROOT / package).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".jsonl", ".json", ".txt"):
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


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


def render(source: Source, quality: str, out: Path, seed: int) -> Scan:
    """Render once; a ``NAME.done`` marker says a previous render finished and is reused."""
    marker = out / f"{source.name}.done"
    if not marker.exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(RENDER), str(source.text), "-o", str(out), "--quality", quality,
                        "--seed", str(seed), "--pdf", "--write-text"],
                       check=True, stdout=subprocess.DEVNULL)
        marker.touch()
    pdf = out / f"{source.name}.pdf"
    pngs = sorted(out.glob(f"{source.name}-p[0-9]*.png"))
    texts = sorted(out.glob(f"{source.name}-p[0-9]*.txt"))
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

    @classmethod
    def of_pages(cls, hypotheses: list[str], references: tuple[str, ...]) -> "Errors":
        """Page by page; the whole document at once when the page counts disagree."""
        if len(hypotheses) != len(references):
            hypotheses, references = ["".join(hypotheses)], ("".join(references),)
        errors = cls()
        for hypothesis, reference in zip(hypotheses, references):
            hyp, ref = normalise(hypothesis), normalise(reference)
            errors.distance += levenshtein(hyp, ref)
            errors.length += len(ref)
        return errors

    def __add__(self, other: "Errors") -> "Errors":
        return Errors(self.distance + other.distance, self.length + other.length)

    @property
    def cer(self) -> float:
        return self.distance / self.length if self.length else 0.0


# --- engines: each reads one scan into page texts, timed --------------------------------------------

@dataclass
class Run:
    pages: list[str]
    wall: float
    cpu: float
    failure: str | None = None
    ocr_wall: float | None = None  # the reading stage alone (text layers, rasterising, OCR), when known


class Stopwatch:
    """Wall time and the CPU time of finished child processes (their own children included)."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), self._child_cpu()

    @staticmethod
    def _child_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, self._child_cpu() - self.cpu


def failure_of(done: subprocess.CompletedProcess) -> str | None:
    if done.returncode == 0:
        return None
    lines = done.stderr.strip().splitlines()
    return f"exit {done.returncode}: {lines[-1] if lines else ''}"


def saraban_command() -> str:
    beside = Path(sys.executable).parent / "saraban"
    return str(beside) if beside.exists() else (shutil.which("saraban") or "saraban")


def saraban_pages(pdf: Path) -> list[str]:
    """The normalised text saraban reads from each physical page.

    Read with ``read_pdf`` (rasterise, prepare, Tesseract, digit reader), then normalised, but not
    through ``read_document``'s conversion of printed markup source: a page that prints "<li>" is
    converted to a list on purpose, and the reference keeps the tags. Split with
    ``Document.page_of``, not at form feeds: normalisation also turns catchword lines ("/ต่อ…")
    into page breaks.
    """
    from models.options import Options
    from pipeline.document import Document
    from pipeline.pages import RawDocument
    from pipeline.pdf import read_pdf

    document = Document(RawDocument(str(pdf), "", "application/pdf", read_pdf(str(pdf), Options())))
    count = len(document.raw.pages)
    if count == 1:
        return [document.text]
    pages: list[list[str]] = [[] for _ in range(count)]
    for offset, char in enumerate(document.text):
        pages[min(document.page_of(offset), count) - 1].append(char)
    return ["".join(page) for page in pages]


def run_saraban(scan: Scan, out: Path, jobs: int) -> Run:
    """Time ``saraban extract``, keep its record for scoring, then read the page text untimed."""
    watch = Stopwatch()
    done = subprocess.run([saraban_command(), "extract", "--timings", str(scan.pdf)], capture_output=True,
                          text=True, env=OCR_ENV, check=False)
    wall, cpu = watch.stop()
    (out / f"{scan.source.name}.saraban.jsonl").write_text(done.stdout, encoding="utf-8")
    times = [json.loads(line.split("\t", 1)[1]) for line in done.stderr.splitlines() if line.startswith("timings\t")]
    ocr_wall = times[0]["read"] if times else None
    try:
        pages = saraban_pages(scan.pdf)
    except Exception as exc:  # a document saraban cannot read scores as empty pages, not a crash
        return Run([], wall, cpu, f"read_document: {type(exc).__name__}: {exc}", ocr_wall)
    return Run(pages, wall, cpu, failure_of(done), ocr_wall)


def tesseract_page(png: Path, languages: str) -> str:
    done = subprocess.run(["tesseract", str(png), "-", "-l", languages, "--oem", "1", "--psm", "3"],
                          capture_output=True, text=True, env=OCR_ENV, check=True)
    return done.stdout


def run_tesseract(scan: Scan, out: Path, jobs: int, languages: str) -> Run:
    watch = Stopwatch()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        pages = list(pool.map(partial(tesseract_page, languages=languages), scan.pngs))
    return Run(pages, *watch.stop())


def run_ocrmypdf(scan: Scan, out: Path, jobs: int) -> Run:
    sidecar = out / f"{scan.source.name}.ocrmypdf.txt"
    sidecar.unlink(missing_ok=True)
    watch = Stopwatch()
    done = subprocess.run(["ocrmypdf", "-l", "tha+eng", "--force-ocr", "--jobs", str(jobs), "--quiet",
                           "--sidecar", str(sidecar), str(scan.pdf), str(out / f"{scan.source.name}.ocrmypdf.pdf")],
                          capture_output=True, text=True, env=OCR_ENV, check=False)
    wall, cpu = watch.stop()
    pages = sidecar.read_text(encoding="utf-8").split("\f") if sidecar.exists() else []
    return Run(pages, wall, cpu, failure_of(done) or (None if sidecar.exists() else "no sidecar written"))


Engine = Callable[[Scan, Path, int], Run]


def choose_engines(names: set[str]) -> dict[str, Engine]:
    engines: dict[str, Engine] = {}
    if "saraban" in names:
        engines["saraban"] = run_saraban
    if "tesseract" in names:
        for languages in ("tha", "tha+eng"):
            engines[f"tesseract {languages}"] = partial(run_tesseract, languages=languages)
    if "ocrmypdf" in names:
        if shutil.which("ocrmypdf"):
            engines["ocrmypdf tha+eng"] = run_ocrmypdf
        else:
            log(f"ocrmypdf is not installed, so it is left out; to compare with it: {INSTALL_OCRMYPDF}")
    return engines


# --- results ---------------------------------------------------------------------------------------

@dataclass
class Result:
    quality: str
    engine: str
    pages: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    ocr_wall: float = 0.0
    documents: dict[str, Errors] = field(default_factory=dict)
    micro_f1: float | None = None
    failures: list[str] = field(default_factory=list)

    def add(self, scan: Scan, run: Run) -> None:
        """One document's pages, times and errors; a document that failed reads as empty pages."""
        self.pages += len(scan.pngs)
        self.wall += run.wall
        # Plain Tesseract does nothing but OCR; saraban says how long its reading stage took.
        self.ocr_wall += run.wall if run.ocr_wall is None else run.ocr_wall
        self.cpu += run.cpu
        self.documents[scan.source.name] = Errors.of_pages(run.pages, scan.truths)
        if run.failure:
            self.failures.append(f"{scan.source.name}: {run.failure}")

    @property
    def errors(self) -> Errors:
        return sum(self.documents.values(), Errors())

    def per_page(self, seconds: float) -> float:
        return seconds / self.pages if self.pages else 0.0

    def as_dict(self) -> dict:
        return {"quality": self.quality, "engine": self.engine, "pages": self.pages,
                "cer": round(self.errors.cer, 5), "distance": self.errors.distance,
                "reference_chars": self.errors.length, "micro_f1": self.micro_f1,
                "wall_s": round(self.wall, 2), "s_per_page": round(self.per_page(self.wall), 3),
                "ocr_s_per_page": round(self.per_page(self.ocr_wall), 3),
                "cpu_s": round(self.cpu, 2), "cpu_s_per_page": round(self.per_page(self.cpu), 3),
                "failures": self.failures,
                "cer_by_document": {name: round(e.cer, 5) for name, e in self.documents.items()}}


def micro_f1(scans: list[Scan], out: Path) -> float | None:
    """The shared scorer on saraban's records, against the gold of exactly these documents."""
    golds = [s.source.gold for s in scans if s.source.gold]
    if not golds:
        return None
    predictions = out / "saraban.jsonl"
    predictions.write_text("".join((out / f"{s.source.name}.saraban.jsonl").read_text(encoding="utf-8")
                                   for s in scans), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="saraban-ocr-gold-") as gold_dir:
        for gold in golds:
            shutil.copy(gold, gold_dir)
        done = subprocess.run([sys.executable, str(SCORE), "--gold", gold_dir, "--pred", str(predictions)],
                              capture_output=True, text=True, check=True)
    last = done.stdout.strip().splitlines()[-1]
    return float(last.split("=", 1)[1]) if last.startswith("micro_f1=") else None


def bench_quality(quality: str, scans: list[Scan], work: Path, engines: dict[str, Engine],
                  jobs: int) -> list[Result]:
    out = work / "runs" / quality
    out.mkdir(parents=True, exist_ok=True)
    results = {name: Result(quality, name) for name in engines}
    for scan in scans:
        for name, engine in engines.items():
            log(f"[{quality}] {name}: {scan.source.name} ({len(scan.pngs)} pages)")
            results[name].add(scan, engine(scan, out, jobs))
    if "saraban" in results:
        results["saraban"].micro_f1 = micro_f1(scans, out)
    return list(results.values())


# --- report ----------------------------------------------------------------------------------------

def speed_ratios(results: list[Result]) -> list[dict]:
    """saraban's s/page (OCR stage, end to end, CPU) over plain Tesseract's, per quality and language."""
    ratios = []
    for saraban in (r for r in results if r.engine == "saraban"):
        for plain in (r for r in results if r.quality == saraban.quality and r.engine.startswith("tesseract")):
            if plain.wall and plain.cpu:
                ratios.append({"quality": saraban.quality, "versus": plain.engine,
                               "ocr": round(saraban.per_page(saraban.ocr_wall) / plain.per_page(plain.wall), 2),
                               "wall": round(saraban.per_page(saraban.wall) / plain.per_page(plain.wall), 2),
                               "cpu": round(saraban.per_page(saraban.cpu) / plain.per_page(plain.cpu), 2)})
    return ratios


def print_table(results: list[Result]) -> None:
    print(f"{'quality':8} | {'engine':18} | {'pages':>5} | {'CER %':>6} | {'micro-F1':>8} | {'OCR s/page':>10} | "
          f"{'s/page':>6} | {'CPU s/page':>10}")
    print("-" * 96)
    for r in results:
        f1 = f"{r.micro_f1:.4f}" if r.micro_f1 is not None else "—"
        print(f"{r.quality:8} | {r.engine:18} | {r.pages:5} | {100 * r.errors.cer:6.2f} | {f1:>8} | "
              f"{r.per_page(r.ocr_wall):10.2f} | {r.per_page(r.wall):6.2f} | {r.per_page(r.cpu):10.2f}")


def print_documents(results: list[Result]) -> None:
    """CER % per document and engine, so one odd document cannot hide in the totals."""
    engines = list(dict.fromkeys(r.engine for r in results))
    width = max(len(name) for r in results for name in r.documents)
    print(f"CER % by document\n{'quality':8} | {'document':{width}} | " + " | ".join(f"{e:>17}" for e in engines))
    for quality in dict.fromkeys(r.quality for r in results):
        row = {r.engine: r for r in results if r.quality == quality}
        for name in dict.fromkeys(n for r in row.values() for n in r.documents):
            cells = [f"{100 * row[e].documents[name].cer:17.2f}" if e in row and name in row[e].documents
                     else f"{'—':>17}" for e in engines]
            print(f"{quality:8} | {name:{width}} | " + " | ".join(cells))


def print_report(results: list[Result], settings: dict) -> None:
    print(" ".join(f"{k}={v}" for k, v in settings.items() if k != "qualities"))
    print_table(results)
    print()
    print_documents(results)
    print()
    for ratio in speed_ratios(results):
        print(f"{ratio['quality']:8} saraban / {ratio['versus']}: OCR s/page x{ratio['ocr']:.2f}, "
              f"s/page x{ratio['wall']:.2f}, CPU s/page x{ratio['cpu']:.2f}")
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
    engines = choose_engines(args.engines)
    load_at_start, digest_at_start = round(os.getloadavg()[0], 2), source_digest()
    results = []
    for quality in args.qualities:
        scans = render_all(sources, quality, args.work, args.seed, args.jobs)
        results += bench_quality(quality, scans, args.work, engines, args.jobs)
    settings = {"documents": len(sources), "seed": args.seed, "jobs": args.jobs, "cpus": os.cpu_count(),
                "load_at_start": load_at_start, "load_at_end": round(os.getloadavg()[0], 2),
                "saraban_code": digest_at_start, "qualities": args.qualities}
    if source_digest() != digest_at_start:
        log("warning: saraban's code changed during the run; its rows mix two versions")
        settings["saraban_code"] += "+changed"
    report = json.dumps({"settings": settings, "results": [r.as_dict() for r in results],
                         "saraban_vs_tesseract_per_page": speed_ratios(results)}, ensure_ascii=False, indent=1)
    (args.work / "runs" / "results.json").write_text(report + "\n", encoding="utf-8")
    if args.json:
        print(report)
    else:
        print_report(results, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
