"""PDF/A validation with pikepdf, plus the extension schemas pikepdf does not read.

``pikepdf.pdfa`` checks PDF/A against an allowlist of predefined XMP namespaces and reports
any other namespace as a violation. ISO 19005-2 (6.6.2.3.2) allows custom XMP properties when
the file describes them in a PDF/A extension schema (``pdfaExtension:schemas``). This module
reads the file's own extension schemas and excuses exactly the findings about namespaces and
properties those schemas declare; every other finding still fails the file. The pipeline (which
writes SoHoa's own schema) and the reference repository (which receives files from anyone) use it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pikepdf
import pikepdf.pdfa
from lxml import etree

EXTENSION_NAMESPACES = frozenset(
    {
        "http://www.aiim.org/pdfa/ns/extension/",
        "http://www.aiim.org/pdfa/ns/schema#",
        "http://www.aiim.org/pdfa/ns/property#",
        "http://www.aiim.org/pdfa/ns/type#",
        "http://www.aiim.org/pdfa/ns/field#",
    }
)
_SCHEMA_NS = "http://www.aiim.org/pdfa/ns/schema#"
_PROPERTY_NS = "http://www.aiim.org/pdfa/ns/property#"
_NAMESPACE_MSG = re.compile(r"XMP namespace (?P<prefix>[\w.-]+)=(?P<uri>\S+) is not permitted")
_PROPERTY_MSG = re.compile(r"XMP property (?P<prefix>[\w.-]+):(?P<name>[\w.-]+) is not permitted")


@dataclass
class PdfaResult:
    passed: bool
    problems: list[pikepdf.pdfa.Finding] = field(default_factory=list)
    excused: list[pikepdf.pdfa.Finding] = field(default_factory=list)

    def summary(self, limit: int = 3) -> str:
        return "; ".join(f"{f.rule}: {f.message}" for f in self.problems[:limit])


def declared_extensions(xmp: bytes) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """The extension schemas an XMP packet declares: prefix -> namespace URI, and (URI, property) pairs."""
    try:
        root = etree.fromstring(xmp, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return {}, set()
    prefixes: dict[str, str] = {}
    properties: set[tuple[str, str]] = set()
    for schema in root.iter("{*}li"):
        uri = schema.findtext(f"{{{_SCHEMA_NS}}}namespaceURI")
        prefix = schema.findtext(f"{{{_SCHEMA_NS}}}prefix")
        if not uri:
            continue
        uri = uri.strip()
        if prefix:
            prefixes[prefix.strip()] = uri
        for name in schema.iter(f"{{{_PROPERTY_NS}}}name"):
            if name.text:
                properties.add((uri, name.text.strip()))
    return prefixes, properties


def _xmp_of(data: bytes) -> tuple[bytes, dict[str, str]]:
    """The document's XMP packet and the prefixes its XML actually binds (prefix -> URI)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.Root.get("/Metadata")
        xmp = meta.read_bytes() if isinstance(meta, pikepdf.Stream) else b""
    bound: dict[str, str] = {}
    try:
        root = etree.fromstring(xmp, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        for element in root.iter():
            bound.update({k: v for k, v in (element.nsmap or {}).items() if k})
    except etree.XMLSyntaxError:
        pass
    return xmp, bound


def validate_pdfa(source: Path | bytes | BinaryIO, flavour: str = "2b") -> PdfaResult:
    """Validate ``source`` as PDF/A; findings about declared extension schemas are excused."""
    if isinstance(source, Path):
        data = source.read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    report = pikepdf.pdfa.validate_written(io.BytesIO(data), flavour)
    if report.passed:
        return PdfaResult(True)
    xmp, bound = _xmp_of(data)
    declared, properties = declared_extensions(xmp)
    declared_uris = set(declared.values())
    result = PdfaResult(False)
    for finding in report.findings:
        excused = False
        if declared_uris and finding.rule.endswith("6.6.2.3.1-1"):
            ns = _NAMESPACE_MSG.search(finding.message)
            prop = _PROPERTY_MSG.search(finding.message)
            if ns:
                excused = ns["uri"] in declared_uris or ns["uri"] in EXTENSION_NAMESPACES
            elif prop:
                uri = bound.get(prop["prefix"]) or declared.get(prop["prefix"], "")
                excused = uri in EXTENSION_NAMESPACES or (uri, prop["name"]) in properties
        (result.excused if excused else result.problems).append(finding)
    result.passed = not result.problems and bool(report.findings)
    return result
