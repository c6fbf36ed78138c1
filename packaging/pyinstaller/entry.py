"""Entry point of the self-contained (PyInstaller) build: the ``clerkdesk`` command, plus ``-m MODULE``.

A frozen app has no ``python`` to run ``python -m clerkdesk.sandbox.desktop`` (how the demo starts the 公积金
sandbox client, with ``sys.executable``): the frozen executable is ``sys.executable``, so it accepts the same
``-m MODULE ARGS`` form and runs the bundled module, and everything that launches a child the usual way works.
"""

import multiprocessing
import runpy
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if len(sys.argv) >= 3 and sys.argv[1] == "-m":
        module = sys.argv[2]
        sys.argv = [sys.argv[0], *sys.argv[3:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    else:
        from clerkdesk.cli import main

        sys.exit(main())
