"""Scanner drivers behind one small interface (SANE, TWAIN, file import)."""
