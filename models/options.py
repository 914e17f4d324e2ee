"""Options passed explicitly through the pipeline, and the one place environment settings enter."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Options(BaseModel):
    """How one run reads and extracts documents. Frozen: pass it down, never mutate it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ocr_languages: str = "tha+eng"
    # PDF pages are rasterised, and page images prepared, at ocr_dpi; Tesseract reads a copy
    # shrunk to tesseract_dpi when lower. Measured on the office dev scans: 240 dpi is 9 % faster
    # with a lower character error rate (0.57 % against 0.65 %) but loses labels the extractors
    # need (เรื่อง, clause numbers ๑)), field micro-F1 0.82 → 0.74; so 300 stays the default.
    ocr_dpi: int = Field(300, ge=72, le=600)
    tesseract_dpi: int = Field(300, ge=72, le=600)
    ocr_timeout_s: float = Field(180.0, gt=0)
    ocr_workers: int = Field(2, ge=1)
    ocr_psm: int = 3
    # Tesseract's second reading of unsure lines as white on black (pipeline/tesseract.py).
    ocr_try_inverted: bool = False
    # Flatten background, stretch contrast, remove speckle before OCR (pipeline/image_prep.py).
    prepare_images: bool = True
    # Read Thai digit runs again glyph by glyph against font templates (pipeline/thai_digits.py).
    ocr_read_thai_digits: bool = True
    # Read lines Tesseract's layout left out (beside the emblem, under a stamp) one by one
    # (pipeline/uncovered_lines.py).
    ocr_read_uncovered_lines: bool = True
    # A page whose text layer has fewer usable Thai/Latin letters than this is OCR'd instead.
    min_text_layer_chars: int = 20
    # A trained line-role classifier (pipeline/line_roles.py, benchmarks/line_roles.py) that trims a
    # subject the rules ran into neighbouring lines; None reads with the rules alone.
    line_role_model: Path | None = None
    # Values found with less confidence than this are named in the record's warnings.
    warn_below_confidence: float = Field(0.6, ge=0, le=1)

    # Limits per document, checked before the work is allocated (pipeline/limits.py), so one
    # hostile file cannot stop a batch. A4 at 600 dpi is 35 million pixels; an office letter's
    # text file is a few kilobytes.
    max_bytes: int = Field(200_000_000, gt=0)        # any file
    max_text_bytes: int = Field(10_000_000, gt=0)    # text, Markdown, HTML
    max_pages: int = Field(500, gt=0)
    max_pixels: int = Field(60_000_000, gt=0)        # one page image, as OCR would see it
    # Wall seconds and memory for one document in its worker process (flows/isolation.py).
    max_seconds: float = Field(900.0, gt=0)
    max_memory_mb: int = Field(3072, ge=256)


class Settings(BaseSettings):
    """Environment settings (prefix SARABAN_), read once by the CLI."""

    model_config = SettingsConfigDict(env_prefix="SARABAN_", extra="ignore")

    db: str | None = None
    # The archive's reviewer token: without it `saraban serve` only reads.
    review_token: str | None = None
    data_dir: Path = Path("data/processed")

    def database_url(self) -> str:
        return self.db or f"sqlite:///{self.data_dir / 'saraban.db'}"

    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"
