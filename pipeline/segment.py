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
