"""The Vietnamese national root and issuing CA certificates shipped as default trust anchors.

Copied from ``shared/trust/vn`` (its MANIFEST.md gives the sources); :mod:`sohoa.signing.trust`
pins their SHA-256 fingerprints, so a changed file is refused rather than trusted.
"""
