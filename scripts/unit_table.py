"""Write survey/data/unit-facts.json: the dimension and scale of every unit string the shipped knowledge base, the
starter knowledge base and the examples meet, worked out with pint, so that a cold build or check of them does
not build pint's registry (a few tenths of a second before TeX can start).

    python3 scripts/unit_table.py           # rewrite the table
    python3 scripts/unit_table.py --check   # exit 1 when the table lacks a unit these knowledge bases meet

tests/load/test_unit_table.py works every unit of the table out again with the pint installed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from survey.build import build  # noqa: E402
from survey.check.rules import check_rules  # noqa: E402
from survey.load import units  # noqa: E402
from survey.load.knowledge_base import load_knowledge_base  # noqa: E402

KNOWLEDGE_BASES = [REPO, REPO / "survey" / "data" / "starter", REPO / "docs" / "examples"]


def units_met() -> list[str]:
    """Every unit string a check and a build (without TeX) of the knowledge bases ask about."""
    units._TABLE_UNREAD.clear()  # work every unit out with pint, as the table will hold it
    with tempfile.TemporaryDirectory() as scratch:
        for number, root in enumerate(KNOWLEDGE_BASES):
            if not (root / "taxonomy.yaml").is_file():
                continue
            check_rules(load_knowledge_base(root), root)
            build(root, "todaes", Path(scratch) / str(number), pdf=False)
    return sorted(set(units._FACTS) | set(units.FIELD_UNITS))


def main(argv: list[str]) -> int:
    met = units_met()
    if "--check" in argv:
        import json

        shipped = json.loads(units.TABLE_FILE.read_text(encoding="utf-8"))["units"]
        missing = [text for text in met if text not in shipped]
        for text in missing:
            print(f"not in {units.TABLE_FILE.relative_to(REPO)}: {text!r}")
        return 1 if missing else 0
    units.TABLE_FILE.write_text(units.table_text(met), encoding="utf-8")
    print(f"wrote {len(met)} units to {units.TABLE_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
