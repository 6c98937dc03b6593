#!/usr/bin/env python3
"""Pack terraform/canary/freshness.js into the zip CloudWatch Synthetics runs.

Node.js canaries load the handler from nodejs/node_modules/. The zip is
byte-for-byte reproducible (fixed timestamps and modes), so it is committed
beside its source and `make runbooks-check` fails when the two drift.
Usage: .ci/canary-zip.py [OUT]   (default terraform/canary/freshness.zip)
"""

import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "terraform/canary/freshness.js"


def build(out):
    info = zipfile.ZipInfo("nodejs/node_modules/freshness.js", date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(info, SOURCE.read_bytes())


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "terraform/canary/freshness.zip")
