"""SoHoa core: domain model, local store, config, processing pipeline and CLI.

The core never imports Qt; only the ``ui`` package does (a test enforces it).
"""

__version__ = "0.1.0"
