"""Line roles: the trained spaCy classifier (pipeline/line_roles.py) against the rules, on documents
held back from its training; and the command that trains the shipped model.

    .venv/bin/python benchmarks/line_roles.py compare [--folds 5] [--heldback]
    .venv/bin/python benchmarks/line_roles.py fields [--folds 5] [--heldback]
    .venv/bin/python benchmarks/line_roles.py train --out DIR

Both read the training pool: the practice, dev and real/tune corpora and tests/gold_extra. Each
document's gold line roles come from its gold record (extractors/line_roles.py); the rules' roles are
the lines their record's evidence stands on. ``compare`` scores both per role over lines (precision,
recall, F1): in k document-level folds of the pool (the model trained on the other folds) and, with
``--heldback``, on tests/real/heldback with the model trained on the whole pool (scored only).
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from extractors.assemble import assemble
from extractors.process import extract_with_text
from extractors.line_roles import LineRoles, gold_line_roles, record_line_roles, training_examples
from models.options import Options
from pipeline.document import Document
from pipeline.ingest import read_document
from pipeline.line_roles import ROLES, THRESHOLD, LineRoleModel, document_lines, line_features

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the checkout, or beside the main checkout when this one is a worktree under ../wt/
SHARED = next((p / "shared" / "corpus" for p in ROOT.parents if (p / "shared" / "corpus").is_dir()),
              ROOT.parent / "shared" / "corpus")
POOL = [SHARED / "practice", SHARED / "dev", ROOT / "tests" / "real" / "tune", ROOT / "tests" / "gold_extra"]
HELDBACK = ROOT / "tests" / "real" / "heldback"


@dataclass
class Sample:
    name: str
    path: Path
    doc: Document
    gold: LineRoles
    rules: dict[str, set[int]]


def load(corpus: Path, options: Options) -> list[Sample]:
    samples = []
    for gold_path in sorted((corpus / "gold").glob("*.json")):
        docs = sorted((corpus / "docs").glob(gold_path.stem + ".*"))
        if not docs:
            continue
        doc = Document(read_document(docs[0], options))
        gold = gold_line_roles(doc, json.loads(gold_path.read_text("utf-8")))
        samples.append(Sample(f"{corpus.name}/{gold_path.stem}", docs[0], doc, gold,
                              record_line_roles(doc, assemble(doc, options))))
    return samples


def train(samples: list[Sample], **kwargs) -> LineRoleModel:
    return LineRoleModel.train([e for s in samples for e in training_examples(s.doc, s.gold)], **kwargs)


class Tally:
    def __init__(self):
        self.counts = {role: [0, 0, 0] for role in ROLES}  # true positives, false positives, false negatives

    def add(self, sample: Sample, predicted: dict[str, set[int]]) -> None:
        for role in ROLES:
            if role in sample.gold.unscored:
                continue
            scored = {line.index for line in sample.doc.lines if not line.blank} - sample.gold.unknown[role]
            gold, said = sample.gold.positive[role] & scored, predicted[role] & scored
            tp, fp, fn = len(gold & said), len(said - gold), len(gold - said)
            counts = self.counts[role]
            counts[0], counts[1], counts[2] = counts[0] + tp, counts[1] + fp, counts[2] + fn

    def prf(self, role: str) -> tuple[float, float, float]:
        tp, fp, fn = self.counts[role]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


VETO = 0.05  # a model score this low on a rules' line: would vetoing the rules there help?


def model_roles(model: LineRoleModel, sample: Sample, vetoes: dict[str, list[int]]) -> dict[str, set[int]]:
    """The lines the model gives each role; and, in ``vetoes[role]``, how many of the rules' lines of
    that role it scores below ``VETO`` are [wrong, right]."""
    lines = document_lines(sample.doc)
    scores = dict(zip((line.index for line in lines),
                      model.scores([line_features(sample.doc, lines, i) for i in range(len(lines))])))
    found = {role: {i for i, cats in scores.items() if cats[role] >= THRESHOLD} for role in ROLES}
    for role in ROLES:
        if role not in sample.gold.unscored:
            for i in sample.rules[role] - sample.gold.unknown[role]:
                if scores[i][role] < VETO:
                    vetoes[role][i in sample.gold.positive[role]] += 1
    return found


def compare(samples: list[Sample], held: list[Sample], folds: int, seed: int, **training) -> dict:
    results = {}
    rules, learned, vetoes = Tally(), Tally(), {role: [0, 0] for role in ROLES}
    started = time.perf_counter()
    for test in _folds(samples, folds, seed):
        model = train([s for s in samples if s not in test], seed=seed, **training)
        for sample in test:
            rules.add(sample, sample.rules)
            learned.add(sample, model_roles(model, sample, vetoes))
    results[f"{folds}-fold ({len(samples)} documents)"] = (rules, learned, vetoes, time.perf_counter() - started)
    if held:
        model = train(samples, seed=seed, **training)
        rules, learned, vetoes = Tally(), Tally(), {role: [0, 0] for role in ROLES}
        for sample in held:
            rules.add(sample, sample.rules)
            learned.add(sample, model_roles(model, sample, vetoes))
        results[f"heldback ({len(held)} documents)"] = (rules, learned, vetoes, 0.0)
    return results


def _folds(samples: list[Sample], folds: int, seed: int) -> list[list[Sample]]:
    shuffled = samples[:]
    random.Random(seed).shuffle(shuffled)
    return [shuffled[k::folds] for k in range(folds)]


def _score(gold: Path, records: list[str], work: Path, name: str) -> dict[str, str]:
    """score.py's micro-F1 and its subject row for records of the documents of one corpus."""
    predictions = work / f"{name}.jsonl"
    predictions.write_text("".join(r + "\n" for r in records), "utf-8")
    out = subprocess.run([sys.executable, str(SHARED.parent / "tools" / "score.py"), "--gold", str(gold),
                          "--pred", str(predictions)], capture_output=True, text=True, check=True).stdout
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    tp, fp, fn, *_, f1 = rows.get("subject", ["subject", "0", "0", "0", "-"])[1:]
    return {"micro_f1": out.strip().splitlines()[-1].split("=")[1], "subject": f"{tp}/{fp}/{fn} F1 {f1}"}


def fields(samples: list[Sample], held: list[Sample], folds: int, seed: int, work: Path, **training) -> None:
    """Field micro-F1 (score.py) of the rules alone and with the classifier trimming subjects: each
    pool document read with the model of the folds it was not in, heldback with the whole pool's."""
    runs: list[tuple[list[Sample], Path]] = []
    for k, test in enumerate(_folds(samples, folds, seed)):
        path = work / f"fold{k}"
        train([s for s in samples if s not in test], seed=seed, **training).to_disk(path)
        runs.append((test, path))
    if held:
        train(samples, seed=seed, **training).to_disk(work / "pool")
        runs.append((held, work / "pool"))
    records: dict[tuple[Path, str], list[str]] = {}
    for test, model in runs:
        for sample in test:
            gold = sample.path.parents[1] / "gold"
            for variant, options in (("rules", Options()), ("rules+model", Options(line_role_model=model))):
                record = extract_with_text(sample.path, options).record
                records.setdefault((gold, variant), []).append(record.model_dump_json())
    print("\n| corpus | documents | rules micro-F1 | rules+model micro-F1 | subject tp/fp/fn, rules "
          "| subject tp/fp/fn, rules+model |")
    print("|---|---|---|---|---|---|")
    for gold in dict.fromkeys(g for g, _ in records):
        before = _score(gold, records[gold, "rules"], work, gold.parent.name + "-rules")
        after = _score(gold, records[gold, "rules+model"], work, gold.parent.name + "-model")
        print(f"| {gold.parent.name} | {len(records[gold, 'rules'])} | {before['micro_f1']} | {after['micro_f1']} "
              f"| {before['subject']} | {after['subject']} |")


def print_table(results: dict) -> None:
    for title, (rules, learned, vetoes, seconds) in results.items():
        print(f"\n## {title}" + (f" — {seconds:.0f} s" if seconds else ""))
        print(f"| role | gold lines | rules P | rules R | rules F1 | model P | model R | model F1 "
              f"| rules' lines the model scores < {VETO}: wrong / right |")
        print("|---|---|---|---|---|---|---|---|---|")
        for role in ROLES:
            gold = rules.counts[role][0] + rules.counts[role][2]
            cells = [f"{v:.2f}" for tally in (rules, learned) for v in tally.prf(role)]
            print(f"| {role} | {gold} | " + " | ".join(cells) + f" | {vetoes[role][0]} / {vetoes[role][1]} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["compare", "fields", "train"])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--heldback", action="store_true", help="also score on tests/real/heldback")
    parser.add_argument("--out", type=Path, help="train: the folder the model is saved to")
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--ngram", type=int, default=1, help="n-grams of feature tokens the model sees")
    args = parser.parse_args(argv)
    options = Options()
    samples = [s for corpus in POOL for s in load(corpus, options)]
    missing = sum(len(s.gold.missing) for s in samples)
    print(f"pool: {len(samples)} documents; gold values not found in their text: {missing}", file=sys.stderr)
    if args.command == "train":
        if args.out is None:
            parser.error("train needs --out DIR")
        started = time.perf_counter()
        model = train(samples, seed=args.seed, epochs=args.epochs, ngram_size=args.ngram)
        model.to_disk(args.out)
        size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
        print(f"trained on {len(samples)} documents in {time.perf_counter() - started:.1f} s → {args.out} "
              f"({size / 1e6:.2f} MB)")
        return 0
    held = load(HELDBACK, options) if args.heldback else []
    if args.command == "fields":
        with tempfile.TemporaryDirectory() as work:
            fields(samples, held, args.folds, args.seed, Path(work), epochs=args.epochs, ngram_size=args.ngram)
        return 0
    print_table(compare(samples, held, args.folds, args.seed, epochs=args.epochs, ngram_size=args.ngram))
    return 0


if __name__ == "__main__":
    sys.exit(main())
