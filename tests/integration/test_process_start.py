"""What a process loads when it starts. Every command and task worker pays it, and tests and `make
run` start dozens: a parser or a library needed by one task is made or imported when first used.
The web application makes what its requests need before gunicorn's workers fork, then freezes it."""

from __future__ import annotations

import gc
import importlib
import json
import subprocess
import sys

from sahl.catalogue import rules

AT_START = (
    "import json, sys, django; django.setup(); from sahl.catalogue import rules; "
    "print(json.dumps({'parser made': rules.environment.cache_info().currsize, "
    "'pywebpush': 'pywebpush' in sys.modules, 'aiohttp': 'aiohttp' in sys.modules}))"
)


def test_a_command_starting_makes_no_rule_parser_and_loads_no_push_library() -> None:
    done = subprocess.run([sys.executable, "-c", AT_START], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == {"parser made": 0, "pywebpush": False, "aiohttp": False}


def test_the_web_application_is_loaded_with_its_rule_parser_made_and_frozen() -> None:
    rules.environment.cache_clear()
    gc.unfreeze()
    sys.modules.pop("sahl.wsgi", None)
    try:
        importlib.import_module("sahl.wsgi")
        assert rules.environment.cache_info().currsize == 1
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
