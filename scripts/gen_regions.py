"""Regenerate src/clerkdesk/records/tables/gbt2260.tsv from python-stdnum's GB/T 2260 table.

python-stdnum's ``stdnum/cn/loc.dat`` is compiled from the Wikipedia lists of
PRC administrative division codes and keeps retired codes with the years they
were valid. We flatten it to one row per (code, name, period) so the app reads
a plain table with its source named. Run: .venv/bin/python scripts/gen_regions.py
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import stdnum

OUT = Path(__file__).resolve().parents[1] / "src/clerkdesk/records/tables/gbt2260.tsv"


def main() -> None:
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    rows: list[tuple[str, str, str, str]] = []
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r'^(\s*)(\d+) (\w+)="(.*)"$', line)
        if not m:
            raise SystemExit(f"unexpected line: {line!r}")
        indent, code, _level, names = m.groups()
        if not indent:
            province = code
            full = province + "0000"
        else:
            full = province + code
        for name in names.split(","):
            pm = re.match(r"^\[(\d*)-(\d*)\](.*)$", name)
            start, end, nm = pm.groups() if pm else ("", "", name)
            rows.append((full, nm, start, end))
    header = (
        "# GB/T 2260 administrative division codes, current and retired.\n"
        f"# Source: python-stdnum {stdnum.__version__} stdnum/cn/loc.dat (compiled from the Wikipedia\n"
        "# lists 中华人民共和国行政区划代码 1区-8区). Regenerate with scripts/gen_regions.py.\n"
        "# from/to: years the name was valid under this code (empty = open).\n"
        "code\tname\tfrom\tto\n"
    )
    rows = list(dict.fromkeys(rows))  # the province line and its "0000" county line repeat each other
    OUT.write_text(header + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
