"""A trained line-role classifier: a spaCy ``textcat_multilabel`` component that gives each line of a
normalised document the roles the extractors read it for (the document number, its date, the subject,
the addressee, signatories' names and positions, clause starts and bodies).

Each line becomes a small spaCy ``Doc`` of feature tokens: where the line stands (first lines, last
lines, indent, blank lines around it), the first words of its neighbours, and its own white-space
chunks (digits folded to ``9``, long chunks cut to their first and last letters, since Thai runs
words together and a word segmenter would cost a whole tokenisation pass). A bag-of-features model
over them (``spacy.TextCatBOW.v3``) is small and fast on a CPU. Training data comes from gold records
(``extractors/line_roles.py`` says how a gold value is found on its lines).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.document import Document, Line

ROLES = ("number", "date", "subject", "addressee", "signature_name", "signature_position",
         "clause_start", "clause_body")
THRESHOLD = 0.5

_DIGITS = re.compile(r"\d")


@dataclass(frozen=True)
class LineExample:
    """One line's features and, for training, its roles: ``roles[r]`` is 1.0 or 0.0, and a role left
    out is unknown for that line (another copy of a gold value stands there: neither yes nor no)."""

    features: list[str]
    roles: dict[str, float]


def _chunk_features(chunk: str, prefix: str = "") -> list[str]:
    chunk = _DIGITS.sub("9", chunk)
    if len(chunk) <= 7:
        return [prefix + chunk]
    return [prefix + chunk[:4] + "…", prefix + chunk[:7] + "…", prefix + "…" + chunk[-3:]]


def _bucket(value: int, edges: tuple[int, ...]) -> int:
    return sum(value > edge for edge in edges)


def line_features(doc: Document, lines: list[Line], position: int) -> list[str]:
    """Feature tokens of ``lines[position]`` (the document's non-blank lines, in order).

    >>> doc = Document.from_text("ที่ มท ๐๘๙๑.๓/ว ๒๕๕๖\\nเรื่อง ขอเชิญประชุม")
    >>> lines = document_lines(doc)
    >>> line_features(doc, lines, 1)[:6]
    ['#top1', '#end0', '#indent0', '#len1', '#chunks2', '#after-blank0']
    """
    line = lines[position]
    chunks = line.text.split()
    before = lines[position - 1] if position > 0 else None
    after = lines[position + 1] if position + 1 < len(lines) else None
    features = [f"#top{min(position, 12)}", f"#end{min(len(lines) - 1 - position, 12)}",
                f"#indent{_bucket(doc.indent(line), (0, 8, 24, 40))}",
                f"#len{_bucket(len(line.text), (10, 30, 60, 90))}", f"#chunks{min(len(chunks), 5)}",
                f"#after-blank{int(before is None or before.index != line.index - 1)}",
                f"#before-blank{int(after is None or after.index != line.index + 1)}",
                f"#tenth{10 * position // len(lines)}"]
    if line.text.startswith("("):
        features.append("#opens-bracket")
    if line.text.endswith(")"):
        features.append("#closes-bracket")
    for chunk in chunks[:1]:
        features += _chunk_features(chunk, "first:")
    for neighbour, mark in ((before, "<"), (after, ">")):
        if neighbour is not None:
            first = neighbour.text.split()[0]
            features += _chunk_features(first, mark)
            if neighbour.text.startswith("("):
                features.append(mark + "#opens-bracket")
    for chunk in chunks[:12]:
        features += _chunk_features(chunk)
    return features


def document_lines(doc: Document) -> list[Line]:
    """The lines a role is given to: every line with text (blank lines and page breaks have none)."""
    return [line for line in doc.lines if not line.blank]


def _pipeline(hash_length: int, ngram_size: int):
    import spacy

    nlp = spacy.blank("th")
    model = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": ngram_size,
             "no_output_layer": False, "length": hash_length}
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": model, "threshold": THRESHOLD})
    for role in ROLES:
        textcat.add_label(role)
    return nlp


class LineRoleModel:
    """The trained component with the featuriser in front of it."""

    def __init__(self, nlp):
        self.nlp = nlp
        self.textcat = nlp.get_pipe("textcat_multilabel")

    def _doc(self, features: list[str]):
        from spacy.tokens import Doc

        return Doc(self.nlp.vocab, words=features)

    @classmethod
    def train(cls, examples: list[LineExample], epochs: int = 25, seed: int = 0,
              hash_length: int = 2 ** 15, ngram_size: int = 1, drop: float = 0.1) -> "LineRoleModel":
        from spacy.training import Example
        from spacy.util import fix_random_seed, minibatch

        fix_random_seed(seed)
        model = cls(_pipeline(hash_length, ngram_size))
        data = [Example(model._doc(e.features), model._doc(e.features)) for e in examples]
        for example, line in zip(data, examples):
            example.reference.cats = dict(line.roles)
        optimizer = model.nlp.initialize(lambda: data)
        order = random.Random(seed)
        for _ in range(epochs):
            order.shuffle(data)
            for batch in minibatch(data, size=32):
                model.nlp.update(batch, sgd=optimizer, drop=drop)
        return model

    def scores(self, feature_lists: list[list[str]]) -> list[dict[str, float]]:
        docs = [self._doc(features) for features in feature_lists]
        return [dict(doc.cats) for doc in self.textcat.pipe(docs, batch_size=256)]

    def roles(self, doc: Document) -> dict[int, set[str]]:
        """Each non-blank line's index → the roles scored at or above the threshold."""
        lines = document_lines(doc)
        scored = self.scores([line_features(doc, lines, i) for i in range(len(lines))])
        return {line.index: {role for role, score in cats.items() if score >= THRESHOLD}
                for line, cats in zip(lines, scored)}

    def to_disk(self, path: str | Path) -> None:
        self.nlp.to_disk(path)

    @classmethod
    def from_disk(cls, path: str | Path) -> "LineRoleModel":
        import spacy

        return cls(spacy.load(path))


@lru_cache(maxsize=4)
def load_model(path: Path) -> LineRoleModel:
    return LineRoleModel.from_disk(path)


def line_scores(doc: Document, path: Path) -> dict[int, dict[str, float]]:
    """Each non-blank line's index → its score for every role, by the model saved at ``path``."""
    lines = document_lines(doc)
    scored = load_model(path).scores([line_features(doc, lines, i) for i in range(len(lines))])
    return {line.index: cats for line, cats in zip(lines, scored)}
