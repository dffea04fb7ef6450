"""``sohoa trust list``: the trust anchors verification uses, with their SHA-256 fingerprints.

An administrator compares the fingerprints with the ones the CAs publish (rootca.gov.vn,
ca.gov.vn) before relying on them. ``--json`` gives the same for scripts.
"""

from __future__ import annotations

import argparse
import json

from sohoa.core.i18n import Text, tr

SOURCE = {
    "shipped": Text(vi="kèm theo SoHoa", en="shipped with SoHoa"),
    "system": Text(vi="thư mục hệ thống", en="system folder"),
    "config": Text(vi="cấu hình", en="config"),
}
LINE = Text(
    vi="{subject}\n  SHA-256: {sha256}\n  hiệu lực đến: {not_after}; nguồn: {source} ({name})",
    en="{subject}\n  SHA-256: {sha256}\n  valid until: {not_after}; source: {source} ({name})",
)
HEADER = Text(
    vi="{count} chứng thư gốc tin cậy (thư mục hệ thống: {folder}):",
    en="{count} trust anchors (system folder: {folder}):",
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("trust", help="trust anchors for signature verification")
    tsub = p.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    ls = tsub.add_parser("list", help="print each anchor with its subject and SHA-256 fingerprint")
    ls.add_argument("--json", action="store_true", help="print as JSON")
    ls.set_defaults(func=run_list)


def run_list(args: argparse.Namespace) -> int:
    from sohoa.core.config import load_config
    from sohoa.signing.trust import load_anchors, read_cert_files, system_trust_dir

    cfg = load_config().settings.signing
    if cfg.default_trust_anchors:
        anchors = load_anchors(cfg.trust_roots)
    else:
        from sohoa.signing.trust import Anchor

        anchors = [Anchor(p, "config", c) for p in cfg.trust_roots for c in read_cert_files([p])]
    if args.json:
        rows = [
            {
                "subject": a.subject,
                "sha256": a.sha256,
                "not_after": a.not_after,
                "source": a.source,
                "file": a.name,
            }
            for a in anchors
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(tr(HEADER, count=len(anchors), folder=str(system_trust_dir())))
    for a in anchors:
        print(
            tr(
                LINE,
                subject=a.subject,
                sha256=a.sha256,
                not_after=a.not_after,
                source=tr(SOURCE[a.source]),
                name=a.name,
            )
        )
    return 0
