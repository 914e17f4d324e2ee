"""``saraban serve``: the reviewer's desk (Thai pages) and the REST API for planning systems, over
the same database as the other commands.

Reading needs nothing; every change needs the reviewer token the archive sets
(``SARABAN_REVIEW_TOKEN``): a ``Authorization: Bearer`` header on the API, a signed cookie from the
sign-in form on the pages, whose forms also carry a CSRF token. Files are reached only through a
document's row: the request names a sha256, never a path.
"""
# No `from __future__ import annotations`: FastAPI reads the routes' annotations, defined inside
# create_app, at definition time.
import base64
import hashlib
import hmac
import logging
import re
import secrets
import threading
from collections import OrderedDict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qs, urlencode

from fastapi import Body, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from swagger_ui_bundle import swagger_ui_path

from extractors.assemble import assemble
from models import listing, review
from models.errors import ExtractionError, SarabanError
from models.labels import DOC_TYPE_TH, be_date, be_datetime, doc_type_th, field_th
from models.options import Options
from models.record import Record
from pipeline.document import Document as TextDocument
from pipeline.page_images import PICTURED, page_picture, raw_text, read_page_boxes

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
# The only files the server sends besides page pictures: a fixed table, not a folder lookup.
STATIC = {"review.css": ("text/css; charset=utf-8", HERE / "static" / "review.css"),
          "review.js": ("text/javascript; charset=utf-8", HERE / "static" / "review.js")}
STATIC |= {name: (media, Path(swagger_ui_path) / name) for name, media in
           (("swagger-ui-bundle.js", "text/javascript; charset=utf-8"), ("swagger-ui.css", "text/css; charset=utf-8"))}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
CSRF_COOKIE, REVIEWER_COOKIE = "saraban_csrf", "saraban_reviewer"
MAX_PAGE_SIZE = 1000
SHA256 = r"^[0-9a-f]{64}$"


class ApiError(Exception):
    """An error a person can act on: an HTTP status and one sentence."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class CorrectionIn(BaseModel):
    """A reviewer's decision on one value of a record."""

    pointer: str = Field(description="JSON pointer to the value, e.g. /subject or /agreements/0/parties/2",
                         examples=["/subject"])
    action: str = Field("correct", description="correct (set `value`) or approve (confirm the value shown)")
    value: str | int | float | bool | None = Field(None, description="the corrected value (for correct)")
    reviewer: str = Field(description="who decides")
    reason: str | None = Field(None, description="why, in a few words")


class DocumentSummary(BaseModel):
    """A document as lists show it, with its corrections applied."""

    id: str = Field(description="the sha256 of the file's bytes: stable across re-extraction and databases")
    path: str = Field(description="the file as it was read")
    media_type: str | None = None
    doc_type: str | None = Field(None, description="document type code (record.doc_type)")
    doc_type_th: str = Field(description="its Thai name, e.g. หนังสือภายนอก")
    number: str | None = Field(None, description="the document's number, normalised")
    agency_code: str | None = Field(None, description="the letter code of the number, e.g. มท")
    date: str | None = Field(None, description="the document's date, ISO 8601 Gregorian")
    date_be: str | None = Field(None, description="the same date in the Buddhist era, e.g. 7 ธันวาคม 2556")
    subject: str | None = None
    to: str | None = None
    issuer: str | None = None
    text_method: str | None = Field(None, description="text, pdf_text, ocr or mixed")
    ocr_confidence: float | None = None
    corrections: int = Field(description="how many corrections and approvals reviewers made")
    loaded_at: str = Field(description="when this version of the record was stored")
    updated_at: str = Field(description="the later of loaded_at and the last correction")
    url: str = Field(description="where the whole record is")


class DocumentPage(BaseModel):
    items: list[DocumentSummary]
    next_page_token: str | None = Field(description="give it back as page_token for the next page; null at the end")
    server_time: str = Field(description="the server's clock when the request began: the next updated_since")


class Change(BaseModel):
    """One reviewer's decision, as stored (append-only)."""

    id: int
    pointer: str = Field(description="JSON pointer to the value")
    action: str = Field(description="correct or approve")
    before: object = Field(None, description="the value shown before")
    after: object = Field(None, description="the value after")
    reviewer: str
    reason: str | None = None
    created_at: str


class DocumentFull(DocumentSummary):
    record: Record = Field(description="the whole record, corrections applied")
    corrections_made: list[Change] = Field(description="every correction and approval, oldest first")
    corrections_not_applied: list[Change] = Field(
        description="corrections whose value the re-extracted record no longer has")


def _pictures_cache(size: int = 64):
    cache: OrderedDict = OrderedDict()
    lock = threading.Lock()

    def get(key, make):
        with lock:
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
        value = make()
        with lock:
            cache[key] = value
            while len(cache) > size:
                cache.popitem(last=False)
        return value
    return get


def create_app(db_url: str, review_token: str | None = None, options: Options | None = None) -> FastAPI:
    """The web application over one database. ``review_token`` None: reading only."""
    engine = review.connect(db_url)
    options = options or Options()
    pictures = _pictures_cache()
    layout_lock = threading.Lock()
    templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    templates.globals.update(doc_type_th=doc_type_th, be_date=be_date, be_datetime=be_datetime, field_th=field_th,
                             DOC_TYPE_TH=DOC_TYPE_TH)

    app = FastAPI(
        docs_url=None, redoc_url=None,  # /docs below, from local copies of Swagger UI (no CDN)
        title="saraban", version="1",
        description="Thai government correspondence and MOUs as canonical records. Reading is open; changes "
                    "(corrections, re-extraction) need the archive's reviewer token as `Authorization: Bearer …`. "
                    "Lists are paged with `page_size` and `page_token` (give back `next_page_token`); "
                    "`updated_since` returns the records stored or corrected since then. Errors are "
                    '`{"error": {"status": …, "message": …}}`.')
    app.state.engine = engine

    # --- errors as JSON (API) or a Thai page (desk) ------------------------------------------------

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith(("/api/", "/openapi")) and \
            "text/html" in request.headers.get("accept", "")

    def error_response(request: Request, status: int, message: str) -> Response:
        if wants_html(request):
            return page(request, "error.html", {"status": status, "message": message}, status=status)
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(request, exc.status, exc.message)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        message = {404: f"nothing here: {request.url.path}", 405: f"{request.method} is not allowed on "
                   f"{request.url.path}"}.get(exc.status_code, str(exc.detail))
        return error_response(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"] if p not in ("query", "body", "path"))
            got = error.get("input")
            parts.append(f"{where}: {error['msg']}" + (f" (got {got!r})" if isinstance(got, (str, int)) else ""))
        return error_response(request, 422, "; ".join(parts) or "the request is not valid")

    @app.exception_handler(listing.BadPageToken)
    async def _bad_token(request: Request, exc: listing.BadPageToken):
        return error_response(request, 400, str(exc))

    @app.exception_handler(SarabanError)
    async def _saraban_error(request: Request, exc: SarabanError):
        return error_response(request, 400, str(exc))

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    # --- helpers -------------------------------------------------------------------------------------

    def document_or_404(sha256: str) -> review.Document:
        document = review.get_document(engine, sha256.lower()) if len(sha256) == 64 else None
        if document is None:
            raise ApiError(404, f"no document with id {sha256} in this archive")
        return document

    def file_of(document: review.Document) -> str:
        """The document's own file, as the database names it, if it still holds the same bytes."""
        path = Path(document.path)
        if not path.is_file():
            raise ApiError(410, f"the file {document.path} is no longer where it was read from")
        if hashlib.sha256(path.read_bytes()).hexdigest() != document.sha256:
            raise ApiError(409, f"the file {document.path} has changed since it was read; extract it again")
        return str(path)

    def page_boxes(document: review.Document) -> list[review.PageLayout]:
        """Word boxes of a pictured document, read (OCR) on its first view and kept."""
        found = review.layouts(engine, document.sha256)
        if found is not None:
            return found
        with layout_lock:
            found = review.layouts(engine, document.sha256)
            if found is None:
                log.info("reading the word boxes of %s (first view)", document.path)
                _raw, found = read_page_boxes(file_of(document), options)
                review.store_layouts(engine, document.sha256, found)
        return found

    def check_token(request: Request) -> None:
        if not review_token:
            raise ApiError(403, "this archive has not set a reviewer token (SARABAN_REVIEW_TOKEN): changes are off")
        given = request.headers.get("authorization", "")
        given = given[7:] if given.lower().startswith("bearer ") else request.headers.get("x-review-token", "")
        if not given or not hmac.compare_digest(given.encode(), review_token.encode()):
            raise ApiError(401, "a change needs the reviewer token: send it as 'Authorization: Bearer <token>'")

    def summary(document: review.Document) -> dict:
        r = document.record
        number = r.get("number") or {}
        return {"id": document.sha256, "path": document.path, "media_type": document.media_type,
                "doc_type": r.get("doc_type"), "doc_type_th": doc_type_th(r.get("doc_type")),
                "number": number.get("value"), "agency_code": number.get("agency_code"),
                "date": r.get("date"), "date_be": be_date(r.get("date")) or None, "subject": r.get("subject"),
                "to": r.get("to"), "issuer": r.get("issuer"),
                "text_method": r["source"].get("text_method"), "ocr_confidence": r["source"].get("ocr_confidence"),
                "corrections": len(document.changes),
                "loaded_at": document.loaded_at.isoformat(), "updated_at": document.updated_at.isoformat(),
                "url": f"/api/documents/{document.sha256}"}

    def change_json(change: dict) -> dict:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in change.items() if k != "sha256"}

    def filters_of(q, party, signatory, clause, doc_type, agency, since, until, updated_since) -> listing.Filters:
        if doc_type and doc_type not in DOC_TYPE_TH:
            raise ApiError(422, f"doc_type must be one of {', '.join(DOC_TYPE_TH)} (got {doc_type!r})")
        return listing.Filters(text=q or None, party=party or None, signatory=signatory or None, clause=clause or None,
                              doc_type=doc_type or None, agency=agency or None,
                              since=since.isoformat() if since else None, until=until.isoformat() if until else None,
                              updated_since=updated_since)

    # --- API -----------------------------------------------------------------------------------------

    PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="items per page (1-1000)")]
    PageToken = Annotated[str | None, Query(description="next_page_token of the previous page")]
    Since = Annotated[datetime | None, Query(description="only records stored or corrected at or after this "
                                                         "moment (ISO 8601; give back `server_time`)")]
    filter_params = dict(
        q=Annotated[str | None, Query(description="Thai text anywhere in the document (no word breaks needed)")],
        party=Annotated[str | None, Query(description="a party of one of its agreements (aliases such as สสส. too)")],
        signatory=Annotated[str | None, Query(description="a signer's name or position")],
        clause=Annotated[str | None, Query(description="text inside a clause")],
        doc_type=Annotated[str | None, Query(description="external_letter, memo, order, mou, plan, …")],
        agency=Annotated[str | None, Query(description="the letter code of its number, e.g. มท")],
        since=Annotated[date | None, Query(description="dated on or after (ISO date)")],
        until=Annotated[date | None, Query(description="dated on or before (ISO date)")],
    )

    @app.get("/api/documents", tags=["documents"], summary="Documents matching every given filter, paged",
             response_model=DocumentPage)
    def api_documents(q: filter_params["q"] = None, party: filter_params["party"] = None,
                      signatory: filter_params["signatory"] = None, clause: filter_params["clause"] = None,
                      doc_type: filter_params["doc_type"] = None, agency: filter_params["agency"] = None,
                      since: filter_params["since"] = None, until: filter_params["until"] = None,
                      updated_since: Since = None, page_size: PageSize = 50, page_token: PageToken = None):
        server_time = review.now()
        filters = filters_of(q, party, signatory, clause, doc_type, agency, since, until, updated_since)
        result = listing.list_documents(engine, filters, page_size, page_token)
        return {"items": [summary(d) for d in result.items], "next_page_token": result.next_token,
                "server_time": server_time.isoformat()}

    @app.get("/api/documents/{document_id}", tags=["documents"], summary="One record in full, corrections applied",
             response_model=DocumentFull)
    def api_document(document_id: str):
        document = document_or_404(document_id)
        return {**summary(document), "record": document.record,
                "corrections_made": [change_json(c) for c in document.changes],
                "corrections_not_applied": [change_json(c) for c in document.lost]}

    @app.get("/api/documents/{document_id}/history", tags=["review"],
             summary="Every correction and approval of a document, or of one value (?pointer=)")
    def api_history(document_id: str, pointer: str | None = None):
        document = document_or_404(document_id)
        return {"id": document.sha256,
                "items": [change_json(c) for c in review.history(engine, document.sha256, pointer)]}

    @app.post("/api/documents/{document_id}/corrections", tags=["review"], status_code=201,
              summary="Correct or approve a value (reviewer token needed)")
    def api_correct(document_id: str, request: Request, correction: Annotated[CorrectionIn, Body()]):
        check_token(request)
        document = document_or_404(document_id)
        try:
            change = review.add_correction(engine, document.sha256, correction.pointer, action=correction.action,
                                           reviewer=correction.reviewer, after=correction.value,
                                           reason=correction.reason)
        except review.CorrectionRefused as exc:
            raise ApiError(422, str(exc)) from None
        return change_json(change)

    @app.post("/api/documents/{document_id}/reextract", tags=["review"],
              summary="Read the document's file again; corrections stay (reviewer token needed)")
    def api_reextract(document_id: str, request: Request):
        check_token(request)
        return summary(reextract(document_or_404(document_id)))

    def reextract(document: review.Document) -> review.Document:
        log.info("extracting %s again; its %d corrections stay", document.path, len(document.changes))
        record, text, pages = extract_with_layout(file_of(document), options)
        review.replace_record(engine, record, text)
        if pages:
            review.store_layouts(engine, record.source.sha256, pages)
        return document_or_404(document.sha256)

    @app.get("/api/agreements", tags=["agreements"], summary="Agreements with parties and clauses, paged")
    def api_agreements(q: filter_params["q"] = None, party: filter_params["party"] = None,
                       doc_type: filter_params["doc_type"] = None, updated_since: Since = None,
                       page_size: PageSize = 50, page_token: PageToken = None):
        filters = filters_of(q, party, None, None, doc_type, None, None, None, updated_since)
        result = listing.list_agreements(engine, filters, page_size, page_token)
        items = [{"id": f"{d.sha256}/agreements/{n}", "document_id": d.sha256, "position": n,
                  "date_be": be_date(a.get("date")) or None, **a} for d, n, a in result.items]
        return {"items": items, "next_page_token": result.next_token, "server_time": review.now().isoformat()}

    @app.get("/api/plans", tags=["plans"], summary="Plans with strategic issues, projects and budgets, paged")
    def api_plans(q: filter_params["q"] = None, updated_since: Since = None, page_size: PageSize = 50,
                  page_token: PageToken = None):
        filters = filters_of(q, None, None, None, None, None, None, None, updated_since)
        result = listing.list_plans(engine, filters, page_size, page_token)
        items = []
        for d, plan in result.items:
            projects = [{**p, "issue": issue.get("label") or issue.get("title")}
                        for issue in plan.get("strategic_issues") or [] for p in issue.get("projects") or []]
            items.append({"id": f"{d.sha256}/plan", "document_id": d.sha256, **plan, "projects": projects,
                          "budget_baht_total": sum(p.get("budget_baht") or 0 for p in projects) or None})
        return {"items": items, "next_page_token": result.next_token, "server_time": review.now().isoformat()}

    @app.get("/api/agencies", tags=["agencies"], summary="Agencies by letter code, with their document counts")
    def api_agencies(page_size: PageSize = 200, page_token: PageToken = None):
        result = listing.list_agencies(engine, page_size, page_token)
        return {"items": result.items, "next_page_token": result.next_token}

    def export_response(fmt: str, excel: bool, filters: listing.Filters) -> StreamingResponse:
        media = "application/x-ndjson" if fmt == "jsonl" else "text/csv; charset=utf-8"
        name = "saraban-" + datetime.now(timezone.utc).strftime("%Y%m%d") + (".jsonl" if fmt == "jsonl" else ".csv")
        chunks = (chunk.encode("utf-8") for chunk in listing.stream_export(engine, fmt, excel, filters))
        return StreamingResponse(chunks, media_type=media,
                                 headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/api/export.jsonl", tags=["export"], summary="Every matching record, corrected, as JSON Lines (streamed)")
    def api_export_jsonl(q: filter_params["q"] = None, doc_type: filter_params["doc_type"] = None,
                         updated_since: Since = None):
        return export_response("jsonl", False, filters_of(q, None, None, None, doc_type, None, None, None,
                                                          updated_since))

    @app.get("/api/export.csv", tags=["export"],
             summary="One row per matching document, corrected (streamed); excel=true: BOM and Thai labels")
    def api_export_csv(q: filter_params["q"] = None, doc_type: filter_params["doc_type"] = None,
                       updated_since: Since = None, excel: bool = False):
        return export_response("csv", excel, filters_of(q, None, None, None, doc_type, None, None, None,
                                                        updated_since))

    # --- the desk (Thai pages) -----------------------------------------------------------------------

    def csrf_of(request: Request) -> str:
        return request.cookies.get(CSRF_COOKIE) or request.state.__dict__.setdefault("csrf", secrets.token_urlsafe(24))

    def signed(reviewer: str) -> str:
        return hmac.new((review_token or "").encode(), reviewer.encode(), hashlib.sha256).hexdigest()

    def reviewer_cookie(name: str) -> str:
        """The signed-in reviewer's name (base64: a cookie holds no Thai) and its signature."""
        return base64.urlsafe_b64encode(name.encode()).decode() + "." + signed(name)

    def reviewer_of(request: Request) -> str | None:
        encoded, _, signature = request.cookies.get(REVIEWER_COOKIE, "").rpartition(".")
        try:
            name = base64.urlsafe_b64decode(encoded.encode()).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        if review_token and name and hmac.compare_digest(signature, signed(name)):
            return name
        return None

    def page(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
        csrf = csrf_of(request)
        html = templates.get_template(name).render(request=request, csrf=csrf, reviewer=reviewer_of(request),
                                                  writable=bool(review_token), **context)
        response = HTMLResponse(html, status_code=status)
        if request.cookies.get(CSRF_COOKIE) != csrf:
            response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
        return response

    async def form_of(request: Request) -> dict[str, str]:
        """A posted form, after the cross-site checks: the same-origin Origin header when sent, and
        the form's CSRF token equal to the cookie's."""
        origin = request.headers.get("origin")
        if origin and origin != "null" and origin.split("://", 1)[-1] != request.headers.get("host"):
            raise ApiError(403, "this form was sent from another site; open the page here and send it again")
        body = (await request.body()).decode("utf-8", "replace")
        form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(form.get("csrf", ""), cookie):
            raise ApiError(403, "the form's security token has expired; reload the page and send it again")
        return form

    def form_date(name: str, value: str) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise ApiError(422, f"{name}: วันที่ต้องอยู่ในรูป ค.ศ. ปี-เดือน-วัน เช่น 2013-12-07 (got {value!r})") from None

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def desk(request: Request, q: str = "", party: str = "", signatory: str = "", clause: str = "",
             doc_type: str = "", agency: str = "", since: str = "", until: str = "", page_token: str | None = None):
        # A form sends empty fields: an empty date is no filter, not an error.
        filters = filters_of(q, party, signatory, clause, doc_type, agency, form_date("since", since),
                             form_date("until", until), None)
        result = listing.list_documents(engine, filters, 50, page_token)
        asked = {k: v for k, v in dict(q=q, party=party, signatory=signatory, clause=clause, doc_type=doc_type,
                                        agency=agency, since=since or "", until=until or "").items() if v}
        next_url = "/?" + urlencode({**asked, "page_token": result.next_token}) if result.next_token else None
        return page(request, "search.html", {"documents": result.items, "asked": asked, "next_url": next_url,
                                             "first_url": ("/?" + urlencode(asked)) if page_token else None})

    @app.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def view(request: Request, document_id: str):
        document = document_or_404(document_id)
        record = document.record
        problem, source_text, layout = None, None, []
        try:
            if document.media_type in PICTURED:
                layout = page_boxes(document)
            else:
                raw, _ = read_page_boxes(file_of(document), options)
                source_text = raw_text(raw)
        except (ApiError, SarabanError, OSError) as exc:
            problem = exc.message if isinstance(exc, ApiError) else str(exc)
        values = review_values(document)
        pages = []
        for p in layout:
            boxes = [(value, box) for value in values for n, box in
                     review.evidence_boxes([p], value["raw_start"], value["raw_end"]) if n == p.page]
            pages.append({"layout": p, "boxes": boxes})
        return page(request, "document.html", {
            "document": document, "record": record, "values": values, "pages": pages,
            "text_html": highlighted(source_text, values) if source_text is not None else None,
            "problem": problem, "warnings": record.get("warnings") or []})

    def review_values(document: review.Document) -> list[dict]:
        """Each value with evidence: low confidence and unlinked parties first, then in record order."""
        record = document.record
        provenance = record.get("provenance") or {}
        flagged = {item.pointer: item.reason for item in review.values_to_review(document, options.warn_below_confidence)}
        values, seen = [], set()
        for n, (pointer, evidence) in enumerate(provenance.items()):
            leaf = review.leaf_pointer(record, pointer)
            if leaf in seen or (leaf != pointer and leaf in provenance):
                continue
            seen.add(leaf)
            value = review.get_at(record, leaf)
            if isinstance(value, (dict, list)) or not review.has_value(record, leaf):
                value = review.get_at(record, pointer)
                if not review.has_value(record, pointer):
                    continue
            extracted = review.get_at(document.extracted, leaf)
            changes = [c for c in document.changes if c["pointer"] == leaf]
            values.append({
                "order": n, "pointer": leaf, "anchor": "v" + hashlib.sha1(leaf.encode()).hexdigest()[:10],
                "label": field_th(leaf), "value": value, "editable": not isinstance(value, (dict, list)),
                "extracted": extracted, "corrected": any(c["action"] == "correct" for c in changes),
                "approved": bool(changes) and changes[-1]["action"] == "approve",
                "history": changes, "confidence": evidence.get("confidence"), "rule": evidence.get("rule"),
                "evidence_text": evidence.get("text"), "page": evidence.get("page"),
                "raw_start": evidence.get("raw_start"), "raw_end": evidence.get("raw_end"),
                "flag": flagged.get(leaf),
                "warnings": [w for w in record.get("warnings") or [] if w.startswith((pointer + ":", leaf + ":"))
                             or f"{pointer} " in w],
                "shown": display(leaf, value),
            })
        values.sort(key=lambda v: (v["flag"] is None, v["flag"] != "low_confidence",
                                   v["confidence"] if v["flag"] else 0, v["order"]))
        return values

    def display(pointer: str, value) -> str:
        if value is None:
            return "—"
        if isinstance(value, dict):
            return " ".join(str(v) for v in value.values() if v not in (None, "", [], {}))
        if pointer.endswith("/doc_type"):
            return f"{doc_type_th(value)} ({value})"
        if pointer.endswith("date") and isinstance(value, str) and be_date(value) != value:
            return f"{be_date(value)} ({value})"
        return str(value)

    @app.get("/documents/{document_id}/pages/{number}.jpg", include_in_schema=False)
    def picture(document_id: str, number: int):
        document = document_or_404(document_id)
        layout = {p.page: p for p in page_boxes(document)}
        if number not in layout or document.media_type not in PICTURED:
            raise ApiError(404, f"document {document.sha256[:12]}… has no page {number} to show")
        data = pictures((document.sha256, number), lambda: page_picture(
            file_of(document), document.media_type, number - 1, layout[number].method, options)[0])
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/queue", response_class=HTMLResponse, include_in_schema=False)
    def queue(request: Request):
        items, unread = review.review_queue(engine, options.warn_below_confidence)
        return page(request, "queue.html", {"items": items, "unread": unread})

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, next: str = "/"):
        return page(request, "login.html", {"next": local_path(next), "failed": False})

    @app.post("/login", include_in_schema=False)
    async def login(request: Request):
        form = await form_of(request)
        target = form.get("next", "/")
        target = local_path(target)
        name = " ".join(form.get("reviewer", "").split())
        if not review_token:
            raise ApiError(403, "this archive has not set a reviewer token (SARABAN_REVIEW_TOKEN): changes are off")
        if not name or not hmac.compare_digest(form.get("token", "").encode(), review_token.encode()):
            return page(request, "login.html", {"next": target, "failed": True}, status=401)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(REVIEWER_COOKIE, reviewer_cookie(name), httponly=True, samesite="strict")
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request):
        await form_of(request)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(REVIEWER_COOKIE)
        return response

    @app.post("/documents/{document_id}/corrections", include_in_schema=False)
    async def correct_form(request: Request, document_id: str):
        form = await form_of(request)
        document = document_or_404(document_id)
        reviewer = reviewer_of(request)
        if reviewer is None:
            raise ApiError(401, "sign in with the reviewer token before correcting (เข้าสู่ระบบผู้ตรวจก่อน)")
        action = "approve" if form.get("action") == "approve" else "correct"
        try:
            change = review.add_correction(engine, document.sha256, form.get("pointer", ""), action=action,
                                           reviewer=reviewer, after=form.get("value"), reason=form.get("reason"))
        except review.CorrectionRefused as exc:
            raise ApiError(422, str(exc)) from None
        anchor = "v" + hashlib.sha1(change["pointer"].encode()).hexdigest()[:10]
        return RedirectResponse(f"/documents/{document.sha256}#{anchor}", status_code=303)

    @app.post("/documents/{document_id}/reextract", include_in_schema=False)
    async def reextract_form(request: Request, document_id: str):
        await form_of(request)
        if reviewer_of(request) is None:
            raise ApiError(401, "sign in with the reviewer token before extracting again")
        document = reextract(document_or_404(document_id))
        return RedirectResponse(f"/documents/{document.sha256}", status_code=303)

    @app.get("/docs", include_in_schema=False)
    def docs():
        page_html = get_swagger_ui_html(openapi_url="/openapi.json", title="saraban API",
                                        swagger_js_url="/static/swagger-ui-bundle.js",
                                        swagger_css_url="/static/swagger-ui.css", swagger_favicon_url="/favicon.ico")
        # Swagger UI starts from one inline script: allowed on this page only.
        page_html.headers["Content-Security-Policy"] = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
                                                        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                                                        "frame-ancestors 'none'")
        return page_html

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str):
        if name not in STATIC:
            raise ApiError(404, f"no such file: {name}")
        media, path = STATIC[name]
        return Response(path.read_bytes(), media_type=media, headers={"Cache-Control": "max-age=300"})

    return app


LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9/_.~%-]*")


def local_path(target: str) -> str:
    """Where to go after signing in: a path on this site only (``//host`` and ``/\\host`` lead away).

    >>> local_path("/documents/ab12"), local_path("//evil.example"), local_path("/\\evil.example")
    ('/documents/ab12', '/', '/')
    """
    return target if LOCAL_PATH.fullmatch(target) else "/"


def extract_with_layout(path: str, options: Options) -> tuple[Record, str, list[review.PageLayout]]:
    """The record, its normalised text and its pages' word boxes from one reading of the file (a
    scan is read by OCR once for both)."""
    raw, pages = read_page_boxes(path, options)
    document = TextDocument(raw)
    try:
        record = assemble(document, options)
    except SarabanError:
        raise
    except Exception as exc:  # an extractor bug names the file
        raise ExtractionError(f"{type(exc).__name__}: {exc}", path=path) from exc
    return record, document.text, pages


def highlighted(text: str, values: list[dict]) -> Markup:
    """The source text, escaped, with each value's raw span marked (the innermost where they nest).

    >>> str(highlighted("ที่ <มท>", [{"raw_start": 4, "raw_end": 8, "anchor": "a", "label": "เลขที่", "flag": None}]))
    'ที่ <mark class="span" data-anchor="a" title="เลขที่">&lt;มท&gt;</mark>'
    """
    spans = [(v["raw_start"], v["raw_end"], v) for v in values
             if v["raw_start"] is not None and v["raw_end"] is not None and v["raw_end"] > v["raw_start"]]
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    out = []
    for start, end in zip(cuts, cuts[1:]):
        piece = escape(text[start:end])
        covering = [v for s, e, v in spans if s <= start and end <= e]
        if covering:
            # Nested or overlapping: the span opened last (then the shortest) shows its mark.
            inner = min(covering, key=lambda v: (-v["raw_start"], v["raw_end"] - v["raw_start"]))
            low = " low" if inner["flag"] else ""
            out.append(Markup('<mark class="span{}" data-anchor="{}" title="{}">{}</mark>').format(
                low, inner["anchor"], inner["label"], piece))
        else:
            out.append(piece)
    return Markup("").join(out)


def serve(db_url: str, host: str = "127.0.0.1", port: int = 8000, review_token: str | None = None) -> None:
    import uvicorn

    uvicorn.run(create_app(db_url, review_token), host=host, port=port, log_level="info")
