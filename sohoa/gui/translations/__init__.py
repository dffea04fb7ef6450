"""Qt translation files of the UI (sohoa_vi.ts source, sohoa_vi.qm compiled); see build.py."""
