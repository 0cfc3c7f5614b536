"""Command line: ``python -m lessons.pack -o course.zip --lang zh [slug ...]`` writes a class
pack."""

from __future__ import annotations

import argparse
import sys

from . import _course, _pack


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lessons.pack", description=__doc__)
    ap.add_argument("slugs", nargs="*", help="lessons (default: all): "
                    + ", ".join(les.slug for les in _course.load()))  # fmt: skip
    ap.add_argument("-o", "--output", default="course.zip")
    ap.add_argument("--lang", default="en", choices=("en", "zh"))
    a = ap.parse_args(argv)
    try:
        data = _pack.class_pack(a.slugs or None, a.lang)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    with open(a.output, "wb") as fh:
        fh.write(data)
    print(f"wrote {a.output} ({len(data) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
