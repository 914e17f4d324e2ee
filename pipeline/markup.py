"""HTML and Markdown to plain lines: menus, footers, share bars and scripts dropped, lists kept.

List items become lines starting with "- ", headings keep a leading "# ", emphasis is dropped.
The text this returns is the document's raw text: provenance offsets point into it.
"""
from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from itertools import islice

from bs4 import BeautifulSoup, NavigableString, Tag

from pipeline.table_text import typed_row

DROP_TAGS = {"script", "style", "noscript", "nav", "footer", "header", "aside", "form", "iframe",
             "button", "svg", "select", "template"}
BOILERPLATE_HINT = re.compile(r"(?:^|[-_\s])(?:nav|navbar|menu|footer|share|social|breadcrumb|sidebar|"
                              r"cookie|banner|skip|print|toolbar|related)(?:$|[-_\s])", re.I)
BLOCK_TAGS = {"p", "div", "section", "article", "main", "table", "tr", "ul", "ol", "dl", "dt", "dd",
              "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "br", "hr",
              "center", "figure", "figcaption", "caption", "title"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
HTML_TAG = re.compile(r"</?(?:p|b|i|u|li|ul|ol|br|div|span|strong|em|table|tr|td|th|h[1-6]|a)\b[^>]*>", re.I)


# Between a menu's links: separators only.
_BETWEEN_LINKS = re.compile(r"[\s|•·/>»«<,–—:-]*")
# Blocks that hold a site's menu, breadcrumb trail or footer links when the page names none of them.
LINK_BLOCK_TAGS = {"ul", "ol", "div", "td", "tr", "table", "p", "section", "span", "center"}


def _is_boilerplate(tag: Tag) -> bool:
    if tag.name in DROP_TAGS:
        return True
    attrs = " ".join([tag.get("id") or "", " ".join(tag.get("class") or []), tag.get("role") or ""])
    return (bool(attrs.strip()) and bool(BOILERPLATE_HINT.search(attrs))) or _is_link_block(tag)


def _is_link_block(tag: Tag) -> bool:
    """A block of nothing but two or more links and separators: a menu or a breadcrumb trail laid out
    in a plain table cell or list, which no class names as one.

    >>> from bs4 import BeautifulSoup
    >>> _is_link_block(BeautifulSoup('<td><a href="/">หน้าแรก</a> | <a href="/n">ข่าว</a></td>', "html.parser").td)
    True
    >>> _is_link_block(BeautifulSoup('<p>ดาวน์โหลด <a href="/a">ไฟล์ 1</a> <a href="/b">ไฟล์ 2</a></p>', "html.parser").p)
    False
    """
    if tag.name not in LINK_BLOCK_TAGS:
        return False
    links, to_see = 0, list(tag.children)
    while to_see:
        piece = to_see.pop()
        if isinstance(piece, Tag):
            if piece.name == "a":
                links += 1
            elif piece.name in ("img", "input"):  # a picture outside the links is content
                return False
            else:
                to_see.extend(piece.children)
        elif piece.__class__ is NavigableString and not _BETWEEN_LINKS.fullmatch(str(piece)):
            return False
    return links >= 2


def _end_line(out: list[str], blank: bool = False) -> None:
    """Close the current line (and leave a blank one) unless that is already done."""
    tail = "".join(out[-2:])
    if not tail.endswith("\n"):
        out.append("\n")
        tail += "\n"
    if blank and not tail.endswith("\n\n"):
        out.append("\n")


def _walk(node: Tag, out: list[str], paragraph_gap: bool = True) -> None:
    """The visible text under ``node`` appended to ``out``; a blank line after each paragraph, or
    (``paragraph_gap`` False) only after an empty one."""
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
        if name == "tr" and (columns := _row_as_columns(child)):
            _end_line(out)
            out.append("".join(PRE_LINE + line + "\n" for line in columns))
            continue
        if name == "pre":  # a letter typed into the page: its lines, indents and column gaps as typed
            _end_line(out)
            out.append("".join(PRE_LINE + line + "\n" for line in child.get_text().strip("\n").split("\n")))
            _end_line(out, blank=True)
            continue
        if name in BLOCK_TAGS:
            _end_line(out, blank=name in HEADINGS)
        if name in HEADINGS:
            out.append("# ")
        elif name == "li" and not child.get_text().lstrip().startswith(("-", "•")):
            out.append("- ")
        _walk(child, out, paragraph_gap)
        if name == "p" and not paragraph_gap:
            _end_line(out, blank=not child.get_text().strip())
        elif name in BLOCK_TAGS:
            _end_line(out, blank=name in HEADINGS or name in ("p", "table", "ul", "ol"))


# Marks a line of a <pre> block until _tidy, which keeps its spacing.
PRE_LINE = "\ue001"


def _row_as_columns(row: Tag) -> list[str] | None:
    """A table row of two or more short cells as lines of typed columns (pipeline/table_text.py).

    >>> from bs4 import BeautifulSoup
    >>> row = BeautifulSoup("<tr><td>(นายก ใจดี)<br>ผู้อำนวยการ</td><td>(นายข มีสุข)<br>ประธาน</td></tr>", "html.parser")
    >>> _row_as_columns(row.tr)
    ['(นายก ใจดี)      (นายข มีสุข)', 'ผู้อำนวยการ        ประธาน']
    """
    cells = row.find_all(["td", "th"], recursive=False)
    if len(cells) < 2 or any(cell.find(["table", "pre"]) for cell in cells):
        return None
    columns = []
    for cell in cells:
        out: list[str] = []
        _walk(cell, out)
        columns.append([" ".join(line.split()) for line in "".join(out).split("\n")])
    return typed_row(columns)


def _tidy(text: str, keep_spacing: bool = False) -> str:
    """Lines with single spaces (or, ``keep_spacing``, and in a <pre> block, only trailing space
    dropped), at most one blank line in a row, empty list items gone."""
    lines = [line.rstrip().replace(PRE_LINE, "") if keep_spacing or line.startswith(PRE_LINE)
             else " ".join(line.split()) for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return re.sub(r"(?m)^- ?\n", "", text).strip("\n") + "\n"


def html_to_text(html: str) -> str:
    """Visible text of a web page without its menus and footers.

    >>> html_to_text("<nav>หน้าหลัก</nav><h1>ข่าว</h1><ul><li>โครงการ ก</li></ul><footer>ติดต่อ</footer>")
    '# ข่าว\\n\\n- โครงการ ก\\n'
    >>> html_to_text("<p>ประกาศ</p><pre>  (นาย ก)      (นาย ข)\\n  ผู้อำนวยการ</pre>")
    'ประกาศ\\n\\n  (นาย ก)      (นาย ข)\\n  ผู้อำนวยการ\\n'
    """
    if nesting_depth(html) > MAX_TREE_DEPTH:
        return _tidy(_flat_html_text(html))
    try:
        soup = BeautifulSoup(html, "html.parser")
        root = soup.body or soup
        out: list[str] = []
        _walk(root, out, paragraph_gap=not _spaced_by_empty_paragraphs(root))
        return _tidy("".join(out))
    except RecursionError:
        return _tidy(_flat_html_text(html))


def _spaced_by_empty_paragraphs(root: Tag) -> bool:
    """Whether the page sets its blocks apart with empty paragraphs (as a word processor saves a
    letter: a paragraph a line, ``<p>&nbsp;</p>`` between blocks). Its paragraphs then follow one
    another without a blank line, or a signer's name and position would be two blocks.

    >>> from bs4 import BeautifulSoup
    >>> _spaced_by_empty_paragraphs(BeautifulSoup("<p>ก</p><p>&nbsp;</p><p>ข</p><p></p><p>ค</p>", "html.parser"))
    True
    """
    return sum(not p.get_text().strip() and p.find("img") is None for p in root.find_all("p")) >= MIN_EMPTY_PARAGRAPHS


MIN_EMPTY_PARAGRAPHS = 2


# Deeper than this, a page is read without a tree (a tree walk would overflow the stack, and 100,000
# nested elements cost a gigabyte as a tree). Real pages nest a few dozen deep.
MAX_TREE_DEPTH = 400
# A well-formed tag: closing slash, name, self-closing slash. (The scanned-source reader below has
# its own, tolerant of OCR's garbled names: its names must not shadow these.)
_ELEMENT_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
HTML_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def nesting_depth(html: str) -> int:
    """The deepest element nesting, counted over the tags without parsing.

    >>> nesting_depth("<div><p>ก<br></p><div><span>ข</span></div></div>")
    3
    >>> nesting_depth('<div class="a"><section id="b"><p>ก</p></section></div>')
    3
    """
    depth = deepest = 0
    for closing, name, self_closing in _ELEMENT_TAG.findall(html):
        if name.lower() in HTML_VOID_TAGS or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


class _FlatText(HTMLParser):
    """Visible text without building a tree: for pages nested deeper than a tree walk can go."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropped = 0

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001
        if tag in DROP_TAGS:
            self.dropped += 1
        elif tag in BLOCK_TAGS and not self.dropped:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_TAGS and self.dropped:
            self.dropped -= 1
        elif tag in BLOCK_TAGS and not self.dropped:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.dropped:
            self.out.append(data.replace("\n", " "))


def _flat_html_text(html: str) -> str:
    """
    >>> _flat_html_text("<div>" * 3 + "<script>x</script>ข่าว" + "</div>" * 3).strip()
    'ข่าว'
    """
    parser = _FlatText()
    parser.feed(html)
    parser.close()
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(parser.out)))


_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# A line of nothing but links and separators is a menu or a breadcrumb trail, not the document.
_LINKS_ONLY = re.compile(r"\s*(?:[-*+]\s+)?(?:!?\[[^\]]*\]\([^)]*\)[\s|•·/>»,–-]*){2,}")
# The site's footer: its copyright line.
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|^\s*(?:สงวนลิขสิทธิ์|copyright\b)", re.I)


def markdown_to_text(markdown: str) -> str:
    """Markdown (with the inline HTML slide exports carry) as plain lines.

    >>> markdown_to_text("**ประเด็นยุทธศาสตร์ 1 : การค้า**\\n<ol><li>โครงการ ก</li></ol>")
    'ประเด็นยุทธศาสตร์ 1 : การค้า\\n- โครงการ ก\\n'
    >>> markdown_to_text("[หน้าแรก](/) | [ข่าวประชาสัมพันธ์](/news)\\nประกาศ\\nสงวนลิขสิทธิ์ © 2567 กรม")
    'ประกาศ\\n'
    """
    out: list[str] = []
    lines = deque(markdown.splitlines())  # taken from the front, a wrapped element's lines with it
    while lines:
        line = lines.popleft()
        if _LINKS_ONLY.fullmatch(line) or _COPYRIGHT.search(line):
            continue
        if HTML_TAG.search(line):
            line = _with_its_wrapped_end(line, lines)
            out.append(html_to_text(line).rstrip("\n"))
            continue
        line = _MD_LINK.sub(r"\1", _EMPHASIS.sub(r"\2", line))
        out.append(re.sub(r"^(\s*)[*+] ", r"\1- ", line))
    # A typed letter saved as Markdown keeps its indents and the gaps between its columns (who
    # signs in which column; the contact block at the margin), as its plain-text copy does.
    return _tidy("\n".join(out), keep_spacing=True)


# Elements whose text a hard-wrapped Markdown file may break over lines: an item of a list, a
# paragraph, a cell, a bold phrase.
WRAPPED_ELEMENTS = {"li", "p", "td", "th", "b", "strong", "em", "i", "u", "span", "a", "h1", "h2", "h3", "h4", "h5", "h6"}
MAX_WRAPPED_LINES = 4


def _unclosed_element(line: str) -> str | None:
    """The innermost element of WRAPPED_ELEMENTS the line opens and does not close."""
    open_ones: list[str] = []
    for closing, name, _self_closing in _ELEMENT_TAG.findall(line):
        name = name.lower()
        if name not in WRAPPED_ELEMENTS:
            continue
        if not closing:
            open_ones.append(name)
        elif name in open_ones:
            del open_ones[len(open_ones) - 1 - open_ones[::-1].index(name):]
    return open_ones[-1] if open_ones else None


def _with_its_wrapped_end(line: str, rest: deque[str]) -> str:
    """A line of inline HTML joined with the next lines (taken from ``rest``) when an element it opens
    ends on one of them: a list item wrapped over two lines is one item.

    >>> rest = deque(["และสื่อมวลชน</li></ol>", "ต่อไป"])
    >>> _with_its_wrapped_end("<ol><li>โครงการเสริมสร้างความสัมพันธ์ ประชาชน", rest), list(rest)
    ('<ol><li>โครงการเสริมสร้างความสัมพันธ์ ประชาชน และสื่อมวลชน</li></ol>', ['ต่อไป'])
    """
    element = _unclosed_element(line)
    if element is None:
        return line
    ends = next((n for n, later in enumerate(islice(rest, MAX_WRAPPED_LINES)) if f"</{element}" in later.lower()), None)
    if ends is None:
        return line
    for _ in range(ends + 1):
        line = f"{line.rstrip()} {rest.popleft().strip()}"  # in HTML a line break is a space
    return _with_its_wrapped_end(line, rest)


# --- a printout of markup source, read back by OCR ---------------------------------------------
# Tesseract garbles short tags ("<แ>" or "<น>" for <li>, "</0>" for </b>) and the printer wrapped
# long elements over several lines (and pages). Pages of one document are converted together, with
# PAGE_MARK between them, so that an element broken by a page is read whole.

PAGE_MARK = "\ue000"
KNOWN_TAGS = {"p", "b", "i", "u", "li", "ol", "ul", "br", "hr", "em", "strong", "span", "div", "table", "tr", "td",
              "th", "h1", "h2", "h3", "h4", "h5", "h6", "center", "font", "a", "img", "sup", "sub"}
VOID_TAGS = {"br", "hr", "img"}
_TAG = re.compile(r"<(?P<close>/?)(?P<name>[^<>\s/]{0,6})(?P<attrs>\s[^<>]*)?>")
# Tags a scan of markup source garbled beyond repair ("<lid....", "<ol style" cut by a page).
GARBLED_TAG = re.compile(r"</?[^<>\s]{0,10}>|<(?:ul|ol|li|p)\b[^<>]{0,60}>?")
_THAI = re.compile(r"[\u0e01-\u0e4e]")


def _tag_balance(line: str) -> int:
    """Opening tags less closing ones on a line (void tags count for nothing)."""
    balance = 0
    for m in _TAG.finditer(line):
        if m.group("name").lower() not in VOID_TAGS:
            balance += -1 if m.group("close") else 1
    return balance


def _join_wrapped(left: str, right: str) -> str:
    """Two pieces of one wrapped line: Thai wraps between words without a space."""
    before, after = left.rstrip(PAGE_MARK)[-1:], right.lstrip(PAGE_MARK)[:1]
    return left + ("" if not after or (_THAI.match(before) and _THAI.match(after)) else " ") + right


_LIST_OPEN = re.compile(r"<(?:ol|ul)\b|list-style", re.I)
_LIST_CLOSE = re.compile(r"</(?:ol|ul)\s*>", re.I)
# A tag left open (an optional </p>, a "<" in running text) joins no more lines than a long list has.
MAX_JOINED_LINES = 40
# Lines of the Markdown around the HTML (headings, list items, table rows) stand on their own.
_MARKDOWN_LINE = re.compile(r"^\s*(?:#|[-*] |\|)")


def join_wrapped_elements(text: str) -> str:
    """Lines of one element joined back: while a tag is open and not closed, a tag is cut at the
    line end, or a list (``<ol …>`` up to ``</ol>``, counted apart since OCR garbles the tags inside
    it) is open; blank lines OCR put inside dropped. A Markdown line always starts a line of its own.

    >>> join_wrapped_elements("<ol style\\n\\n='x'> <li>โครง\\nการ ก</li>\\n</ol>\\n## หัวข้อ")
    "<ol style ='x'> <li>โครงการ ก</li> </ol>\\n## หัวข้อ"
    >>> join_wrapped_elements("<ol> <แ>โครงการ</i> <lirlas\\nก</แ> <แ>ข</0>\\n</ol>")
    '<ol> <แ>โครงการ</i> <lirlas ก</แ> <แ>ข</0> </ol>'
    """
    out: list[str] = []
    current: str | None = None
    lists = joined = 0
    for line in text.split("\n"):
        if current is not None and not _MARKDOWN_LINE.match(line) and joined < MAX_JOINED_LINES:
            if line.strip():
                current = _join_wrapped(current, line.strip())
                joined += 1
        else:
            if current is not None:
                out.append(current)
            current, lists, joined = line, 0, 0
        lists = max(0, lists + len(_LIST_OPEN.findall(line)) - len(_LIST_CLOSE.findall(line)))
        if lists == 0 and _tag_balance(current) <= 0 and current.rfind("<") <= current.rfind(">"):
            out.append(current)
            current = None
    if current is not None:
        out.append(current)
    return "\n".join(out)


def repair_scanned_tags(text: str) -> str:
    """Tags OCR garbled, guessed from where they stand: inside a list an unknown tag is <li> (or
    </li>); elsewhere, where it stood for <p> or <b>, a line break.

    >>> repair_scanned_tags('<๒><0๒>หัวข้อ</0></0> <ol style="x"> <แ>โครงการ ก</0> <น>โครงการ ข</Li> </ol>')
    '<br><br>หัวข้อ<br><br> <ol style="x"> <li>โครงการ ก</li> <li>โครงการ ข</li> </ol>'
    >>> repair_scanned_tags('<๐| style="list-style-type: none"> <แ>โครงการ ค</0>')
    '<ol style="list-style-type: none"> <li>โครงการ ค</li>'
    """
    lists = 0

    def repair(m: re.Match) -> str:
        nonlocal lists
        name = m.group("name").lower()
        if name not in KNOWN_TAGS and "list-style" in (m.group("attrs") or ""):
            name = "ol"  # the name garbled, its list-style attribute read: a list opens
        if name in ("ol", "ul"):
            lists = max(0, lists + (-1 if m.group("close") else 1))
        if name in KNOWN_TAGS:
            return f"<{m.group('close')}{name}{m.group('attrs') or ''}>"
        if lists:
            return f"<{m.group('close')}li>"
        return "<br>"

    return _TAG.sub(repair, text)


def scanned_markup_to_text(text: str) -> str:
    """OCR of a printout of Markdown/HTML source: wrapped elements joined, garbled tags repaired,
    then parsed; what still looks like a tag is dropped."""
    return GARBLED_TAG.sub(" ", markdown_to_text(repair_scanned_tags(join_wrapped_elements(text))))


def split_at_page_marks(text: str, pages: int) -> list[str] | None:
    """Converted text back into its pages. A line that ran over a page break belongs to the page it
    starts on. None when the marks did not all survive."""
    lines = []
    for line in text.split("\n"):
        if PAGE_MARK in line.rstrip(PAGE_MARK):
            line = line.replace(PAGE_MARK, "").rstrip() + PAGE_MARK * line.count(PAGE_MARK)
        lines.append(line)
    parts = "\n".join(lines).split(PAGE_MARK)
    return [part.strip("\n") + "\n" for part in parts] if len(parts) == pages else None


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
