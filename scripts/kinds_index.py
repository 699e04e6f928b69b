"""Write which module of paramwise.kinds defines each layer spelling, so that a reading imports only the kind
modules its layers need (src/paramwise/kinds/index.py).

    python scripts/kinds_index.py           # rewrites src/paramwise/kinds/index.py
    python scripts/kinds_index.py --check   # exit 1 (and say what differs) when it is out of date

The table is read from the kinds themselves (every module imported, every Kind subclass's `spellings`), never
typed by hand; tests/kinds/test_index.py holds it equal to what they give.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "paramwise" / "kinds" / "index.py"
HEADER = '''"""Which module of this package defines each layer spelling ("framework:ClassName" -> module name), so that
`lookup` imports only the kind modules a reading needs. Written by scripts/kinds_index.py from the kinds'
own `spellings`; tests/kinds/test_index.py holds it equal to them. Do not edit by hand."""

MODULES: dict[str, str] = {
'''


def table() -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "src"))
    from paramwise import kinds

    prefix = kinds.__name__ + "."
    return {spelling: cls.__module__.removeprefix(prefix) for spelling, (cls, _) in sorted(kinds.registry().items())}


def text(entries: dict[str, str]) -> str:
    return HEADER + "".join(f'    "{spelling}": "{module}",\n' for spelling, module in entries.items()) + "}\n"


def main(argv: list[str] | None = None) -> int:
    from generated import write_or_check  # beside this script (its folder is on the path when it is run)

    return write_or_check(TARGET, text(table()), "kinds_index.py", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
