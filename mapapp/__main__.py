"""``python -m mapapp``: see :mod:`mapapp.cli`."""

import os
import sys

from mapapp.cli import main

try:
    status = main()
    sys.stdout.flush()
except BrokenPipeError:
    # The reader (e.g. ``| head``) went away: not an error of ours.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    status = 0
raise SystemExit(status)
