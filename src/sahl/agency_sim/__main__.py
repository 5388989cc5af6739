"""`python -m sahl.agency_sim --agency mew --port 8801 --sahl http://localhost:8000 --credentials FILE`"""

from __future__ import annotations

import argparse

from sahl.agency_sim.config import add_arguments, from_options
from sahl.agency_sim.server import run

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m sahl.agency_sim", description=__doc__)
    add_arguments(parser)
    run(from_options(vars(parser.parse_args())))
