"""Regenerate src/clerkdesk/records/tables/gbt2260.tsv from two sources of GB/T 2260 codes.

1. python-stdnum's ``stdnum/cn/loc.dat``, compiled from the Wikipedia lists of PRC administrative division
   codes: every code with the years each name was valid, back before 1980 and into the current year.
2. The Ministry of Civil Affairs' yearly lists 中华人民共和国县级以上行政区划代码 (1981 to the latest
   year, as of 31 December each), as collected in the CC0 data set yescallop/areacodes (``data/YYYY.txt``,
   ``code name`` per line). Pass its folder with ``--mca DIR``.

Why both: stdnum alone misses codes that exist today (杭州 330113 临平区 and 330114 钱塘区, created in
2021), and ends some codes years before the ministry's lists do (浙江 332528 retired 1999, not 1981),
which made `check id` and capture reject or doubt real ID numbers. A code is taken as valid in a year
when either source says so: a ministry's year that no stdnum period covers extends a period of the same
name it touches or starts one of its own; a code in the ministry's latest list stays open-ended.

Run: .venv/bin/python scripts/gen_regions.py --mca /path/to/areacodes/data
"""

from __future__ import annotations

import argparse
import re
from importlib import resources
from pathlib import Path

import stdnum

OUT = Path(__file__).resolve().parents[1] / "src/clerkdesk/records/tables/gbt2260.tsv"

Row = tuple[str, str, str, str]  # code, name, first year, last year ("" = open)


def stdnum_rows() -> list[Row]:
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    rows: list[Row] = []
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
    return list(dict.fromkeys(rows))  # the province line and its "0000" county line repeat each other


def mca_years(folder: Path) -> tuple[dict[str, dict[int, str]], int]:
    """code → {year: name} from the ministry's yearly lists, and the latest year listed."""
    years: dict[str, dict[int, str]] = {}
    files = sorted(p for p in folder.glob("*.txt") if re.fullmatch(r"\d{4}", p.stem))
    if not files:
        raise SystemExit(f"no yearly lists (YYYY.txt) in {folder}")
    for path in files:
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            parts = line.split(maxsplit=1)
            if len(parts) == 2 and re.fullmatch(r"\d{6}", parts[0]):
                years.setdefault(parts[0], {})[int(path.stem)] = parts[1].strip()
    return years, int(files[-1].stem)


def merge(rows: list[Row], mca: dict[str, dict[int, str]], latest: int) -> list[Row]:
    """STDNUM's periods plus every year the ministry lists a code in that no period covers: such a year
    extends a period of the same name it touches, else starts a period of its own; a code in the latest
    list stays open-ended."""
    by_code: dict[str, list[list[str]]] = {}
    for code, name, start, end in rows:
        by_code.setdefault(code, []).append([name, start, end])

    def covered(periods: list[list[str]], y: int) -> bool:
        return any((not s or int(s) <= y) and (not e or y <= int(e)) for _, s, e in periods)

    for code, years in mca.items():
        periods = by_code.setdefault(code, [])
        for y in sorted(years):
            if covered(periods, y):
                continue
            name = years[y]
            after = next((p for p in periods if p[0] == name and p[2] and int(p[2]) == y - 1), None)
            before = next((p for p in periods if p[0] == name and p[1] and int(p[1]) == y + 1), None)
            if after is not None:
                after[2] = str(y)
            elif before is not None:
                before[1] = str(y)
            else:
                periods.append([name, str(y), str(y)])
        if latest in years and not any(not e for _, _, e in periods):
            final = max(periods, key=lambda p: int(p[2]))
            final[2] = ""  # in the ministry's latest list: still valid
    out = [(code, *p) for code, ps in by_code.items() for p in ps]
    return sorted(out, key=lambda r: (r[0], int(r[2] or 0), int(r[3] or 9999)))  # type: ignore[return-value]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mca", type=Path, required=True, help="folder of the ministry's yearly lists (YYYY.txt)")
    args = ap.parse_args()
    mca, latest = mca_years(args.mca)
    rows = merge(stdnum_rows(), mca, latest)
    header = (
        "# GB/T 2260 administrative division codes, current and retired.\n"
        f"# Sources: python-stdnum {stdnum.__version__} stdnum/cn/loc.dat (compiled from the Wikipedia lists\n"
        "# 中华人民共和国行政区划代码 1区-8区), merged with the Ministry of Civil Affairs' yearly lists\n"
        f"# 中华人民共和国县级以上行政区划代码 1981-{latest} (CC0 collection yescallop/areacodes).\n"
        "# Regenerate with scripts/gen_regions.py --mca DIR.\n"
        "# from/to: years the name was valid under this code (empty = open).\n"
        "code\tname\tfrom\tto\n"
    )
    OUT.write_text(header + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
