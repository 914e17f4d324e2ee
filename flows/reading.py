"""Search answers, agencies, people and one record printed for a person: Thai labels, Buddhist-era
dates beside ISO ones."""
from __future__ import annotations

import json
import unicodedata

THAI_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
DOC_TYPES = {"external_letter": "หนังสือภายนอก", "memo": "บันทึกข้อความ", "stamped_letter": "หนังสือประทับตรา",
             "order": "คำสั่ง", "regulation": "ระเบียบ", "announcement": "ประกาศ", "news": "ข่าว",
             "mou": "บันทึกข้อตกลง", "plan": "แผน", "minutes": "รายงานการประชุม", "presentation": "เอกสารนำเสนอ",
             "other": "อื่น ๆ"}
ROLES = {"party": "คู่ภาคี", "issuer": "ส่วนราชการเจ้าของหนังสือ", "number": "รหัสตัวอักษรในเลขที่",
         "signer_office": "หน่วยงานของผู้ลงนาม"}


def _label(label: str, width: int = 16) -> str:
    """A label padded to a column by its width on screen (Thai vowel and tone marks take none)."""
    shown = sum(1 for ch in label if unicodedata.category(ch) != "Mn")
    return label + " " * max(1, width - shown)


def be_date(iso: str | None) -> str:
    """An ISO date with its Buddhist-era reading beside it.

    >>> be_date("2013-12-07")
    '2013-12-07 (7 ธ.ค. 2556)'
    """
    if not iso:
        return "-"
    try:
        year, month, day = (int(part) for part in iso.split("-"))
        return f"{iso} ({day} {THAI_MONTHS[month - 1]} {year + 543})"
    except (ValueError, IndexError):
        return iso


def print_hits(result, as_json: bool) -> None:  # noqa: ANN001 (models.search_index.SearchResult)
    if as_json:
        for hit in result.hits:
            print(json.dumps(hit.as_dict(), ensure_ascii=False))
        return
    for typed, meant in result.corrected.items():
        print(f"ไม่พบ “{typed}” — แสดงผลของ “{meant}” (nothing for {typed!r}; showing {meant!r})")
    if not result.hits:
        print("ไม่พบเอกสาร (no documents match)")
        if result.suggestions:
            print("ชื่อที่ใกล้เคียง (nearest known names): " + ", ".join(result.suggestions))
        return
    for n, hit in enumerate(result.hits, 1):
        print(f"{n:>3}. [{hit.document_id}] {be_date(hit.date)}  {DOC_TYPES.get(hit.doc_type, hit.doc_type)}  "
              f"{hit.number or '-'}")
        print(f"     {hit.subject or '-'}")
        print(f"     {hit.path}")
        for line in hit.matched:
            print(f"     ↳ {line}")


def print_orgs(orgs: list[dict], unlinked: list[dict], show_all: bool, as_json: bool) -> None:
    shown = [o for o in orgs if show_all or o["documents"]]
    if as_json:
        print(json.dumps({"agencies": shown, "unlinked": unlinked}, ensure_ascii=False))
        return
    print(f"{'เอกสาร':>6}  หน่วยงาน (agency)")
    for org in shown:
        shown_names = []
        for name in org["abbreviations"] + org["codes"] + org["english"][:1]:
            if name.rstrip(".") not in {n.rstrip(".") for n in shown_names}:
                shown_names.append(name)
        names = ", ".join(shown_names)
        roles = ", ".join(f"{ROLES.get(r, r)} {n}" for r, n in sorted(org["roles"].items()))
        print(f"{org['documents']:>6}  {org['name']}" + (f"  ({names})" if names else ""))
        if org["parent"] or org["successor"] or roles:
            extra = [f"สังกัด {org['parent']}"] if org["parent"] else []
            if org["successor"]:
                extra.append(f"เปลี่ยนเป็น {org['successor']} ({org['successor_on'] or '?'})")
            print(f"{'':8}" + "; ".join(extra + ([roles] if roles else [])))
    if unlinked:
        print(f"\nชื่อที่ยังไม่เชื่อมกับหน่วยงาน (names not linked to any agency): {len(unlinked)}")
        for row in unlinked:
            print(f"{row['documents']:>6}  {ROLES.get(row['role'], row['role'])}: {row['text']}")


def print_people(groups: list[dict], as_json: bool) -> None:
    if as_json:
        for group in groups:
            print(json.dumps(group, ensure_ascii=False))
        return
    if not groups:
        print("ไม่พบผู้ลงนาม (no signer matches)")
    for group in groups:
        dates = group["dates"]
        span = f"{be_date(dates[0])} – {be_date(dates[-1])}" if dates else "-"
        print(f"{' / '.join(group['names'])}  ({len(group['documents'])} เอกสาร: {span})")
        for office in group["offices"]:
            print(f"    {office}")


def _person(person: dict) -> str:
    parts = [person["name"]]
    if person.get("position"):
        parts.append(person["position"])
    if person.get("acting") and person["acting"] not in (person.get("position") or ""):
        parts.append(f"({person['acting']})")
    return " — ".join(parts[:2]) + (" " + parts[2] if len(parts) > 2 else "")


def print_record(stored: dict, as_json: bool) -> None:
    record = stored["record"]
    if as_json:
        print(json.dumps(stored, ensure_ascii=False, default=str))
        return
    number = record.get("number") or {}
    rows = [("ประเภท", DOC_TYPES.get(record.get("doc_type"), record.get("doc_type"))),
            ("ที่", number.get("value")), ("ส่วนราชการ", number.get("agency")), ("วันที่", be_date(record.get("date"))),
            ("เรื่อง", record.get("subject")), ("เรียน", record.get("to")), ("จาก", record.get("issuer")),
            ("อ้างถึง", "; ".join(record.get("references", []))),
            ("สิ่งที่ส่งมาด้วย", "; ".join(record.get("enclosures", []))),
            ("แฟ้ม", record["source"]["path"])]
    for label, value in rows:
        if value and value != "-":
            print(f"{_label(label)}{value}")
    for person in record.get("signatories", []):
        print(f"{_label('ผู้ลงนาม')}{_person(person)}")
    for clause in record.get("clauses", []):
        print(f"  {clause['label']} {clause['text']}")
    for n, agreement in enumerate(record.get("agreements", []), 1):
        print(f"\nบันทึกข้อตกลงฉบับที่ {n}: {agreement.get('title') or '-'}")
        if agreement.get("date"):
            print(f"{_label('วันที่')}{be_date(agreement['date'])}")
        for party in agreement.get("parties", []):
            aliases = agreement.get("party_aliases", {}).get(party, [])
            print(f"{_label('คู่ภาคี')}{party}" + (f" ({', '.join(aliases)})" if aliases else ""))
        for label, key in (("การบอกเลิก", "termination_notice"), ("ระยะเวลา", "duration")):
            if agreement.get(key):
                print(f"{_label(label)}{agreement[key]['raw']} ({agreement[key]['days']} วัน)")
        if agreement.get("effective"):
            print(f"{_label('มีผลตั้งแต่')}{agreement['effective']}")
        for clause in agreement.get("clauses", []):
            print(f"  {clause['label']} {clause['text']}")
        for person in agreement.get("signatories", []):
            print(f"{_label('ผู้ลงนาม')}{_person(person)}")
        for person in agreement.get("witnesses", []):
            print(f"{_label('พยาน')}{_person(person)}")
    links = stored.get("links", [])
    if links:
        print("\nหน่วยงานที่เชื่อม (agencies linked)")
        for link in links:
            target = link["agency"] or "— ยังไม่เชื่อม (unlinked)"
            print(f"  {ROLES.get(link['role'], link['role'])}: {link['text']} → {target} ({link['confidence']:.2f})")
    if record.get("warnings"):
        print("\nคำเตือน (warnings)")
        for warning in record["warnings"]:
            print(f"  {warning}")
