"""Check definition files without a database: every check the catalogue makes when it is loaded
(the form, its conditional documents, the effects and what their documents certify).

python -m sahl.catalogue.check            # the whole catalogue
python -m sahl.catalogue.check moi kff    # only these agencies' folders
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django


def main(argv: list[str]) -> int:
    # The effects a definition may name are provided by the apps when they are ready.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sahl.settings")
    django.setup()
    from sahl.catalogue.definition import DefinitionError
    from sahl.catalogue.files import DEFINITIONS, read_catalogue

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
