"""Text extraction speed, side by side with one PyThaiNLP tokenisation pass of the same texts.

    .venv/bin/python benchmarks/extraction.py [--repeat 3] [FOLDER ...]

Runs on one core in this process: every text document (default: the dev and practice corpora) is
extracted whole (read, normalise, structure, extract, assemble) and, in the same run, tokenised once
with PyThaiNLP's newmm. Prints documents per second for both and their ratio; the ratio is what to
compare across versions of saraban (``PYTHONPATH=<other checkout> python benchmarks/extraction.py``
measures another checkout's extractors with the same script), since it cancels the machine's load.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pythainlp.tokenize import word_tokenize

from extractors.process import extract_with_text
from models.options import Options

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _best_of(repeat: int, work) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path,
                        default=[SHARED / "dev" / "docs", SHARED / "practice" / "docs"])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest counts")
    parser.add_argument("--line-role-model", type=Path, metavar="DIR",
                        help="also time extraction with this line-role classifier (benchmarks/line_roles.py train)")
    args = parser.parse_args(argv)
    paths = sorted(p for folder in args.folders for p in folder.glob("*.txt"))
    if not paths:
        print("no .txt documents in " + ", ".join(map(str, args.folders)), file=sys.stderr)
        return 2
    texts = [p.read_text("utf-8") for p in paths]
    options = Options()
    extract_with_text(paths[0], options)  # load lexicons, tries and rules once, outside the timing
    word_tokenize(texts[0], engine="newmm")

    extraction = _best_of(args.repeat, lambda: [extract_with_text(p, options) for p in paths])
    tokenising = _best_of(args.repeat, lambda: [word_tokenize(t, engine="newmm") for t in texts])
    with_model = None
    if args.line_role_model:
        model_options = Options(line_role_model=args.line_role_model)
        extract_with_text(paths[0], model_options)
        with_model = _best_of(args.repeat, lambda: [extract_with_text(p, model_options) for p in paths])
    characters = sum(map(len, texts))
    print(f"documents={len(paths)} characters={characters} repeat={args.repeat} (fastest run of each)")
    print(f"{'':24} {'seconds':>8} {'docs/s':>8}")
    print(f"{'saraban extraction':24} {extraction:8.3f} {len(paths) / extraction:8.1f}")
    print(f"{'pythainlp newmm pass':24} {tokenising:8.3f} {len(paths) / tokenising:8.1f}")
    if with_model is not None:
        print(f"{'with line-role model':24} {with_model:8.3f} {len(paths) / with_model:8.1f}")
    print(f"extraction / tokenisation: x{extraction / tokenising:.2f}")
    if with_model is not None:
        print(f"with line-role model / without: x{with_model / extraction:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
