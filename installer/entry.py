"""Entry point of the frozen (PyInstaller) SoHoa.

Besides ``sohoa ARGS``, it accepts ``sohoa -m MODULE ARGS`` and ``sohoa -c CODE``, because a
frozen program has no separate Python interpreter: worker processes that the app starts
with ``sys.executable -m ...`` come back here.
"""

import multiprocessing
import runpy
import sys


def _main() -> int:
    multiprocessing.freeze_support()  # worker processes started with multiprocessing (spawn)
    if len(sys.argv) > 2 and sys.argv[1] == "-m":
        module = sys.argv[2]
        sys.argv = [sys.argv[0], *sys.argv[3:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return 0
    if len(sys.argv) > 2 and sys.argv[1] == "-c":
        code = sys.argv[2]
        sys.argv = ["-c", *sys.argv[3:]]
        exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})  # noqa: S102 - our own workers
        return 0
    from sohoa.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(_main())
