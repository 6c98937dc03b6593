#!/usr/bin/env python3
"""Offline documentation check for Kickoff (stdlib only).

Checks README.md and every docs/**/*.md:

1. Every relative link and image target exists (the `#anchor` is stripped).
2. A link with an `#anchor` into a Markdown file (or a bare `#anchor` into the
   same file) names a heading that exists, using GitHub's slug rules:
   lower-case; drop everything but letters, digits, spaces, `-` and `_`;
   spaces become `-`; repeated headings get `-1`, `-2`, ... appended.
3. Every docs/**/*.md page is reachable from docs/README.md by following
   relative links between Markdown files.

External http(s) and mailto links are never fetched; they are only counted.
Links inside fenced code blocks and inline code spans are ignored.

Exit 0 when everything resolves, 1 when something is broken (each problem
printed as `file:line: message`), 2 on bad usage.

Usage: python3 .ci/docs_check.py [REPO_ROOT]
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from urllib.parse import unquote

# [text](target "title") and ![alt](target); the target may be wrapped in <>.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
# [label]: target   (reference definitions)
REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
# <img src="..."> and <a href="..."> in raw HTML.
HTML_ATTR = re.compile(r"<(?:img|a|source)\b[^>]*?\b(?:src|href)\s*=\s*[\"']([^\"']+)[\"']", re.I)
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"<a\s+[^>]*(?:name|id)\s*=\s*[\"']([^\"']+)[\"']", re.I)
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def github_slug(text: str) -> str:
    """GitHub's heading anchor: strip markup, lower-case, keep word chars, spaces → '-'."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links → their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.replace("`", "").replace("*", "").replace("~", "")
    text = text.lower()
    out = []
    for ch in text:
        if ch in (" ", "-", "_"):
            out.append("-" if ch == " " else ch)
        elif unicodedata.category(ch)[0] in ("L", "N") or unicodedata.category(ch) == "Mn":
            out.append(ch)
    return "".join(out)


def markdown_lines(path: str):
    """Yield (line_no, text) outside fenced code blocks, with inline code removed."""
    fence = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = FENCE.match(line)
            if m:
                marker = m.group(1)
                if fence is None:
                    fence = marker[0] * len(marker)
                    continue
                if marker[0] == fence[0] and len(marker) >= len(fence):
                    fence = None
                    continue
            if fence is not None:
                continue
            yield n, INLINE_CODE.sub("", line.rstrip("\n"))


_anchor_cache: dict[str, set[str]] = {}


def anchors_of(path: str) -> set[str]:
    if path in _anchor_cache:
        return _anchor_cache[path]
    seen: dict[str, int] = {}
    anchors: set[str] = set()
    for _, line in markdown_lines(path):
        for a in HTML_ANCHOR.findall(line):
            anchors.add(a)
        m = HEADING.match(line)
        if not m:
            continue
        base = github_slug(m.group(2))
        k = seen.get(base, 0)
        anchors.add(base if k == 0 else f"{base}-{k}")
        seen[base] = k + 1
    _anchor_cache[path] = anchors
    return anchors


def targets(path: str):
    for n, line in markdown_lines(path):
        for t in INLINE_LINK.findall(line):
            yield n, t.strip("<>")
        m = REF_DEF.match(line)
        if m:
            yield n, m.group(1).strip("<>")
        for t in HTML_ATTR.findall(line):
            yield n, t


def main() -> int:
    if len(sys.argv) > 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    root = os.path.abspath(sys.argv[1] if len(sys.argv) == 2 else os.path.join(os.path.dirname(__file__), ".."))
    docs = os.path.join(root, "docs")
    index = os.path.join(docs, "README.md")
    if not os.path.isfile(index):
        print(f"{os.path.relpath(index, root)}: missing (the docs index every page must be reachable from)")
        return 1

    pages = []
    readme = os.path.join(root, "README.md")
    if os.path.isfile(readme):
        pages.append(readme)
    for d, _, files in os.walk(docs):
        pages.extend(os.path.join(d, f) for f in sorted(files) if f.endswith(".md"))
    pages = sorted(set(pages))

    problems: list[str] = []
    external = 0
    links_checked = 0
    graph: dict[str, set[str]] = {p: set() for p in pages}

    for page in pages:
        rel_page = os.path.relpath(page, root)
        for n, raw in targets(page):
            if EXTERNAL.match(raw):
                external += 1
                continue
            links_checked += 1
            target, _, anchor = raw.partition("#")
            target = unquote(target)
            if target == "":
                dest = page
            elif target.startswith("/"):
                dest = os.path.normpath(os.path.join(root, target.lstrip("/")))
            else:
                dest = os.path.normpath(os.path.join(os.path.dirname(page), target))
            if not os.path.exists(dest):
                problems.append(f"{rel_page}:{n}: broken link target '{raw}' ({os.path.relpath(dest, root)} does not exist)")
                continue
            if os.path.isdir(dest):
                readme_in = os.path.join(dest, "README.md")
                if os.path.isfile(readme_in):
                    dest = readme_in
            if dest.endswith(".md") and os.path.isfile(dest):
                if dest in graph:
                    graph[page].add(dest)
                if anchor and unquote(anchor) not in anchors_of(dest):
                    problems.append(f"{rel_page}:{n}: broken anchor '{raw}' (no heading '#{anchor}' in {os.path.relpath(dest, root)})")

    # Reachability from docs/README.md over Markdown links.
    reached = {index}
    todo = [index]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in reached:
                reached.add(nxt)
                todo.append(nxt)
    for page in pages:
        if page.startswith(docs + os.sep) and page not in reached:
            problems.append(f"{os.path.relpath(page, root)}:1: not reachable from docs/README.md by following links")

    for p in problems:
        print(p)
    doc_pages = sum(1 for p in pages if p.startswith(docs + os.sep))
    print(
        f"docs-check: {len(pages)} files ({doc_pages} under docs/), {links_checked} relative links checked, "
        f"{external} external links not fetched, {len(problems)} problem(s)",
        file=sys.stderr,
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
