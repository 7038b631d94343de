"""One-off conversion of the commissioning article into a corpus Markdown document.

Usage (from the repository root):

    python scripts/convert_seed.py [SEED_TXT] [OUT_MD]

Defaults: ../shared/seed/leg-press-back-pain-article.txt -> corpus/leg-press-back-pain.md

What it does:
1. Repairs the mojibake with ``ftfy.fix_text``.  The seed is a lossy case: each
   curly punctuation mark (U+2019, U+201C, U+201D, U+2014, UTF-8 ``E2 80 xx``) was
   decoded as cp1252 ("â€™") and then the two trailing characters were dropped, leaving
   a bare "â".  ftfy cannot repair a bare "â" on its own, so the dropped characters
   are put back from the context first (apostrophe inside a word, opening/closing
   quote at a word edge, dash between two words) and ftfy then decodes the restored
   sequences (straightening curly quotes, as it does by default).
2. Keeps the article text verbatim otherwise.
3. Turns the first line into the front-matter title and the article's headings into
   Markdown headings: the four top-level headings become ``##``, every other heading
   line (sub-headings and the numbered causes/solutions) becomes ``###``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import ftfy

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = ROOT.parent / "shared" / "seed" / "leg-press-back-pain-article.txt"
DEFAULT_OUT = ROOT / "corpus" / "leg-press-back-pain.md"

FRONT_MATTER = """---
title: "Back Pain and Leg Numbness After Leg Press: Causes, Solutions and Prevention"
id: leg-press-back-pain
sources:
  - "Commissioning article supplied by the client (shared/seed/leg-press-back-pain-article.txt)"
reviewed: 2026-11-25
---
"""

TOP_LEVEL_HEADINGS = {
    "Understanding the Leg Press Exercise",
    "Common Causes of Back Pain and Leg Numbness After Leg Press",
    "Solutions and Preventative Measures",
    "Conclusion",
}

# cp1252 renderings of the UTF-8 bytes of the curly punctuation, minus the leading "â"
# that survived in the seed.
_APOS = "\u20ac\u2122"  # "€™"  -> U+2019 right single quote
_LDQUO = "\u20ac\u0153"  # "€œ" -> U+201C left double quote
_RDQUO = "\u20ac\u009d"  # "€" + 0x9D -> U+201D right double quote
_EMDASH = "\u20ac\u201d"  # "€”" -> U+2014 em dash

_CONTRACTION_TAIL = r"(?:s|t|d|ll|re|ve|m)\b"


def restore_dropped_bytes(text: str) -> str:
    """Put back the characters lost after each bare "â" so ftfy can decode them."""
    bare = r"â(?![\u0080-\u203a\u20ac\u2122])"  # an "â" not already followed by its tail
    # it's, don't, body's: an apostrophe between a letter and a contraction ending
    text = re.sub(rf"(?<=[A-Za-z]){bare}(?={_CONTRACTION_TAIL})", "â" + _APOS, text)
    # overload—gradually, time—is: a dash joining two words
    text = re.sub(rf"(?<=\w){bare}(?=\w)", "â" + _EMDASH, text)
    # "butt wink: an opening quote at the start of a word
    text = re.sub(rf"(?<![\w]){bare}(?=\w)", "â" + _LDQUO, text)
    # wink," / wink": a closing quote after a word or punctuation
    text = re.sub(rf"(?<=[\w,.;:!?]){bare}(?!\w)", "â" + _RDQUO, text)
    return text


def repair(text: str) -> str:
    fixed = ftfy.fix_text(restore_dropped_bytes(text))
    leftover = [m.start() for m in re.finditer("[âÃ]", fixed)]
    if leftover:
        snippets = [fixed[max(0, i - 20) : i + 20] for i in leftover]
        raise SystemExit(f"unrepaired mojibake left: {snippets!r}")
    return fixed


def is_heading(line: str) -> bool:
    """Heading lines are short, are not bullets and carry no closing punctuation."""
    return (
        not line.startswith("- ")
        and len(line) <= 80
        and not line.rstrip().endswith((".", ":", "!", "?", ","))
    )


def convert(seed_text: str) -> str:
    lines = [ln.rstrip() for ln in repair(seed_text).splitlines()]
    lines = [ln for ln in lines if ln.strip()]
    title, body = lines[0], lines[1:]
    blocks: list[str] = []
    in_list = False
    seen_top = False
    for line in body:
        if line.startswith("- "):
            if not in_list:
                blocks.append("")
            blocks.append(line)
            in_list = True
            continue
        in_list = False
        blocks.append("")
        if is_heading(line):
            if line in TOP_LEVEL_HEADINGS:
                blocks.append(f"## {line}")
                seen_top = True
            else:
                if not seen_top:
                    raise SystemExit(f"sub-heading before any top-level heading: {line!r}")
                blocks.append(f"### {line}")
        else:
            blocks.append(line)
    print(f"title line (moved to front matter): {title!r}", file=sys.stderr)
    return FRONT_MATTER + "\n" + "\n".join(blocks).lstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    seed = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEED
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    markdown = convert(seed.read_text(encoding="utf-8"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markdown, encoding="utf-8")
    headings = [ln for ln in markdown.splitlines() if ln.startswith("#")]
    print(f"wrote {out} ({len(markdown.split())} words, {len(headings)} headings)", file=sys.stderr)
    for h in headings:
        print("  " + h, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
