"""Thai segmentation with PyThaiNLP: words (newmm with saraban's agency and position lexicon) and sentences."""
from __future__ import annotations

from functools import lru_cache

from pythainlp.corpus import thai_words
from pythainlp.tokenize import Trie, sent_tokenize, word_tokenize

from models.catalog import agency_names, positions


@lru_cache(maxsize=1)
def custom_dictionary() -> Trie:
    """PyThaiNLP's word list plus agency names and positions, so each stays one token."""
    return Trie(set(thai_words()) | set(agency_names()) | set(positions()))


def words(text: str) -> list[str]:
    """Thai words, agency names kept whole.

    >>> words("ด้วยกรมส่งเสริมการปกครองท้องถิ่นได้ร่วมลงนาม")[:2]
    ['ด้วย', 'กรมส่งเสริมการปกครองท้องถิ่น']
    """
    return word_tokenize(text, custom_dict=custom_dictionary(), engine="newmm", keep_whitespace=True)


def sentences(text: str) -> list[str]:
    """Thai sentences (CRF model shipped in the PyThaiNLP wheel; needs python-crfsuite)."""
    return [s for s in sent_tokenize(text, engine="crfcut") if s.strip()]


@lru_cache(maxsize=1)
def _thai_pipeline():
    import spacy  # loaded only where a spaCy Doc is asked for: extraction itself does not need it

    return spacy.blank("th")


def spacy_doc(text: str, spans: list[tuple[int, int, str]] = ()):
    """The normalised text as a spaCy ``Doc`` whose tokens are saraban's words (``words``), with the
    extracted values as labelled spans in ``doc.spans["saraban"]`` (character offsets of ``text``).

    ``doc.text == text``, so every span of the record's provenance lands on the same characters.

    >>> doc = spacy_doc("เรียน ผู้ว่าราชการจังหวัด ทุกจังหวัด", [(6, 35, "to")])
    >>> [t.text for t in doc][:3], [(s.label_, s.text) for s in doc.spans["saraban"]]
    (['เรียน', 'ผู้ว่าราชการจังหวัด', 'ทุก'], [('to', 'ผู้ว่าราชการจังหวัด ทุกจังหวัด')])
    """
    from spacy.tokens import Doc

    tokens: list[str] = []
    spaces: list[bool] = []
    for token in words(text):
        if token == " " and tokens and not spaces[-1] and not tokens[-1].isspace():
            spaces[-1] = True  # one space after a word is the word's trailing white space in spaCy
        elif token:
            tokens.append(token)
            spaces.append(False)
    doc = Doc(_thai_pipeline().vocab, words=tokens, spaces=spaces)
    labelled = [doc.char_span(start, end, label=label, alignment_mode="expand") for start, end, label in spans]
    doc.spans["saraban"] = [span for span in labelled if span is not None]
    return doc


def write_docbin(docs, path) -> None:
    """spaCy ``Doc``s to one ``DocBin`` file that annotation tools and ``spacy train`` read."""
    from spacy.tokens import DocBin

    docbin = DocBin(store_user_data=True)
    for doc in docs:
        docbin.add(doc)
    docbin.to_disk(path)
