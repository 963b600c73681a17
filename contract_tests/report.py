"""The parity report: every server-contract case of a run, what the contract expects, what the target answered."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ParityRow:
    case: str
    expected: str
    got: str
    match: bool
    kind: str = ""  # the case's class: valid, single fault, pair of faults, boundary, sequence, keys and weights


@dataclass
class ParityReport:
    """The server contract's cases of one run against one target, written as a markdown table."""

    target: str
    rows: list[ParityRow] = field(default_factory=list)

    def add(self, case: str, expected: str, got: str, match: bool, kind: str = "") -> None:
        self.rows.append(ParityRow(case, expected, got, match, kind))

    def skip(self, case: str, kind: str, why: str) -> None:
        """A case the target cannot run (no clock to pin, no control API): listed, so a reader sees the gap."""
        self.rows.append(ParityRow(case, "skipped", why, True, kind))

    def markdown(self) -> str:
        matched = sum(row.match for row in self.rows)
        classes = sorted({row.kind for row in self.rows})
        counts = ", ".join(f"{sum(r.kind == c for r in self.rows)} {c or 'unclassed'}" for c in classes)
        lines = [
            f"# Server contract parity: {self.target}",
            "",
            f"{matched} of {len(self.rows)} cases match. Times and weights are compared by rule (a JSON body with "
            "`Content-Type: application/json`, an integer `X-MBX-USED-WEIGHT-1M`), status, code and msg by value.",
            "",
            f"Cases by class: {counts}.",
            "",
            "| class | case | expected | got | match |",
            "|---|---|---|---|---|",
        ]
        for row in sorted(self.rows, key=lambda r: r.kind):
            cells = (row.kind, row.case, row.expected, row.got, "yes" if row.match else "**NO**")
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        return "\n".join(lines) + "\n"

    def write(self, path: str | Path) -> Path:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.markdown(), "utf-8")
        return target
