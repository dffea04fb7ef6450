"""A third-party tus server (tuspyserver's FastAPI router) on loopback, for the interop tests.

python tests/queue/interop/tuspy_server.py FILES_DIR READY_FILE  (prints nothing; writes its URL)
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from tuspyserver import create_tus_router


def main() -> None:
    files_dir, ready = Path(sys.argv[1]), Path(sys.argv[2])
    files_dir.mkdir(parents=True, exist_ok=True)
    app = FastAPI()
    app.include_router(create_tus_router(prefix="files", files_dir=str(files_dir), days_to_keep=1))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    tmp = ready.with_suffix(".tmp")
    tmp.write_text(url)
    os.replace(tmp, ready)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


if __name__ == "__main__":
    main()
