"""What the scripts that write committed data files share: write the file, or with --check only say whether the
committed one is what the script would write (exit 1 when it is not)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def write_or_check(path: Path, text: str, script: str, description: str | None, argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only say whether the committed file is current")
    args = parser.parse_args(argv)
    if args.check:
        if path.read_text() != text:
            print(f"{path} is out of date: run python scripts/{script}", file=sys.stderr)
            return 1
        print(f"{path} is current")
        return 0
    path.write_text(text)
    print(f"wrote {path}")
    return 0
