"""HTML and Markdown to plain lines: menus, footers, share bars and scripts dropped, lists kept.

List items become lines starting with "- ", headings keep a leading "# ", emphasis is dropped.
The text this returns is the document's raw text: provenance offsets point into it.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

DROP_TAGS = {"script", "style", "noscript", "nav", "footer", "header", "aside", "form", "iframe",
             "button", "svg", "select", "template"}
BOILERPLATE_HINT = re.compile(r"(?:^|[-_\s])(?:nav|navbar|menu|footer|share|social|breadcrumb|sidebar|"
                              r"cookie|banner|skip|print|toolbar|related)(?:$|[-_\s])", re.I)
BLOCK_TAGS = {"p", "div", "section", "article", "main", "table", "tr", "ul", "ol", "dl", "dt", "dd",
              "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "br", "hr",
              "center", "figure", "figcaption", "caption", "title"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
HTML_TAG = re.compile(r"</?(?:p|b|i|u|li|ul|ol|br|div|span|strong|em|table|tr|td|th|h[1-6]|a)\b[^>]*>", re.I)


def _is_boilerplate(tag: Tag) -> bool:
    if tag.name in DROP_TAGS:
        return True
    attrs = " ".join([tag.get("id") or "", " ".join(tag.get("class") or []), tag.get("role") or ""])
    return bool(attrs.strip()) and bool(BOILERPLATE_HINT.search(attrs))


def _end_line(out: list[str], blank: bool = False) -> None:
    """Close the current line (and leave a blank one) unless that is already done."""
    tail = "".join(out[-2:])
    if not tail.endswith("\n"):
        out.append("\n")
        tail += "\n"
    if blank and not tail.endswith("\n\n"):
        out.append("\n")


def _walk(node: Tag, out: list[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if child.__class__.__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction"):
                continue
            piece = str(child).replace("\n", " ")
            if piece.strip() or (out and not out[-1].endswith("\n")):
                out.append(piece)
            continue
        if not isinstance(child, Tag) or _is_boilerplate(child):
            continue
        name = child.name
        if name == "br":
            out.append("\n")
            continue
        if name in BLOCK_TAGS:
            _end_line(out, blank=name in HEADINGS)
        if name in HEADINGS:
            out.append("# ")
        elif name == "li" and not child.get_text().lstrip().startswith(("-", "•")):
            out.append("- ")
        _walk(child, out)
        if name in BLOCK_TAGS:
            _end_line(out, blank=name in HEADINGS or name in ("p", "table", "ul", "ol"))


def _tidy(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return re.sub(r"(?m)^- ?\n", "", text).strip("\n") + "\n"


def html_to_text(html: str) -> str:
    """Visible text of a web page without its menus and footers.

    >>> html_to_text("<nav>หน้าหลัก</nav><h1>ข่าว</h1><ul><li>โครงการ ก</li></ul><footer>ติดต่อ</footer>")
    '# ข่าว\\n\\n- โครงการ ก\\n'
    """
    soup = BeautifulSoup(html, "html.parser")
    root = soup.body or soup
    out: list[str] = []
    _walk(root, out)
    return _tidy("".join(out))


_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def markdown_to_text(markdown: str) -> str:
    """Markdown (with the inline HTML slide exports carry) as plain lines.

    >>> markdown_to_text("**ประเด็นยุทธศาสตร์ 1 : การค้า**\\n<ol><li>โครงการ ก</li></ol>")
    'ประเด็นยุทธศาสตร์ 1 : การค้า\\n- โครงการ ก\\n'
    """
    out: list[str] = []
    for line in markdown.splitlines():
        if HTML_TAG.search(line):
            out.append(html_to_text(line).rstrip("\n"))
            continue
        line = _MD_LINK.sub(r"\1", _EMPHASIS.sub(r"\2", line)).replace("\t", " ")
        out.append(re.sub(r"^(\s*)[*+] ", r"\1- ", line))
    return _tidy("\n".join(out))


# Tags a scan of markup source garbled beyond parsing ("</0>", "<๒>").
GARBLED_TAG = re.compile(r"</?[^<>\s]{0,10}>|<(?:ul|ol|li|p)\b[^<>]{0,60}>?")


def scanned_markup_to_text(text: str) -> str:
    """OCR of a printout of Markdown/HTML source: parse what survived, drop tags that did not."""
    return GARBLED_TAG.sub(" ", markdown_to_text(text))


def looks_like_markup(text: str) -> str | None:
    """'html', 'markdown' or None for text saved with a .txt name."""
    head = text[:4000].lower()
    if "<html" in head or "<body" in head or "<!doctype html" in head:
        return "html"
    headings = len(re.findall(r"(?m)^#{1,6} \S", text))
    tags = len(HTML_TAG.findall(text))
    if headings >= 2 or tags >= 6:
        return "markdown"
    return None
