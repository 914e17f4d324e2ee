"""What a batch did with every file it saw, a progress line while it runs, and the report at the end."""
from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal, TextIO

Status = Literal["loaded", "already_present", "quarantined", "skipped", "deferred"]
LABELS = {"loaded": "loaded (นำเข้าแล้ว)", "already_present": "already present (มีอยู่แล้ว)",
          "quarantined": "quarantined (กักไว้)", "skipped": "skipped (ข้าม)", "deferred": "deferred (เลื่อนไป)"}

# Exit codes of `saraban ingest` (README): 0 every file read was loaded or already present.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_QUARANTINED, EXIT_DEFERRED, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130


@dataclass(frozen=True)
class Outcome:
    path: str
    status: Status
    reason: str = ""
    seconds: float = 0.0
    kind: str = ""  # the error's type, for quarantined files


@dataclass
class BatchReport:
    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    def paths(self, status: Status) -> list[str]:
        return [o.path for o in self.outcomes if o.status == status]

    @property
    def loaded(self) -> list[str]:
        return self.paths("loaded")

    @property
    def already_present(self) -> list[str]:
        return self.paths("already_present")

    @property
    def quarantined(self) -> list[tuple[str, str]]:
        return [(o.path, o.reason) for o in self.outcomes if o.status == "quarantined"]

    def counts(self) -> dict[str, int]:
        """Counts of the files read; ``full_counts`` adds the skipped and deferred."""
        full = self.full_counts()
        return {k: full[k] for k in ("loaded", "already_present", "quarantined")}

    def full_counts(self) -> dict[str, int]:
        counted = Counter(o.status for o in self.outcomes)
        return {status: counted.get(status, 0) for status in LABELS}

    def exit_code(self) -> int:
        counts = self.full_counts()
        if self.interrupted:
            return EXIT_INTERRUPTED
        if counts["quarantined"]:
            return EXIT_QUARANTINED
        if counts["deferred"]:
            return EXIT_DEFERRED
        return EXIT_OK

    def lines(self, slowest: int = 5) -> list[str]:
        """The run report: counts, the slowest documents, quarantine and skip reasons grouped."""
        out = ["  ".join(f"{LABELS[s].split(' (')[0]}: {n}" for s, n in self.full_counts().items())]
        timed = sorted((o for o in self.outcomes if o.status in ("loaded", "quarantined")), key=lambda o: -o.seconds)
        if timed and timed[0].seconds >= 1:
            out.append("slowest:")
            out += [f"  {o.seconds:8.1f} s  {o.path}" for o in timed[:slowest] if o.seconds >= 1]
        for status in ("quarantined", "deferred", "skipped"):
            items = [o for o in self.outcomes if o.status == status]
            if not items:
                continue
            out.append(f"{LABELS[status]}:")
            for o in items[:50]:
                out.append(f"  {o.path}: {o.reason}")
            if len(items) > 50:
                reasons = Counter(o.kind or o.reason for o in items[50:])
                out.append(f"  … and {len(items) - 50} more: " + ", ".join(f"{k} ×{n}" for k, n in reasons.most_common(5)))
        if self.interrupted:
            out.append("interrupted (Ctrl-C): what was loaded is kept; run again to go on")
        return out


class Progress:
    """One line, rewritten in place on a terminal: count, rate and ETA (the total is known once the
    files are listed). Off a terminal it prints a line every ``every`` seconds at most."""

    def __init__(self, stream: TextIO | None = None, every: float = 10.0):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every = 0.2 if self.tty else every
        self.started = time.monotonic()
        self.total: int | None = None
        self.done = 0
        self.counts: Counter[str] = Counter()
        self._shown = 0.0

    def update(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status == "skipped" and not outcome.seconds:
            return  # left out by the walk: not among the files counted for the ETA
        self.done += 1
        now = time.monotonic()
        if now - self._shown >= self.every:
            self._shown = now
            self.show()

    def show(self) -> None:
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        total = f"/{self.total:,}" if self.total is not None else ""
        eta = ""
        if self.total and rate > 0:
            left = max(0, self.total - self.done) / rate
            eta = f"  ETA {int(left // 60)}:{int(left % 60):02d}"
        problems = self.counts["quarantined"]
        line = (f"{self.done:,}{total} files  {rate:.1f}/s{eta}"
                + (f"  quarantined {problems}" if problems else ""))
        if self.tty:
            self.stream.write("\r" + line.ljust(60))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.done:
            self.show()
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
