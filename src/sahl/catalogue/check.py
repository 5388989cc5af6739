"""Check definition files without a database.

python -m sahl.catalogue.check            # the whole catalogue
python -m sahl.catalogue.check moi kff    # only these agencies' folders
"""

from __future__ import annotations

import sys
from pathlib import Path

from sahl.catalogue.definition import DefinitionError
from sahl.catalogue.files import DEFINITIONS, read_catalogue


def main(argv: list[str]) -> int:
    root, only = DEFINITIONS, None
    if argv and Path(argv[0]).is_dir():
        root, argv = Path(argv[0]), argv[1:]
    if argv:
        only = set(argv)
    try:
        catalogue = read_catalogue(root, only)
    except DefinitionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"ok: {len(catalogue.agencies)} agencies, {len(catalogue.services)} services")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
