"""The dossier register's tables (one store migration), apart from ``store.py`` so merges stay easy.

The register is what the monthly digitization report counts: every dossier received at the
counter (even one with nothing to digitize), each document it needs with its state
(digitized, reused, not digitized with a reason), and the backlog results digitized.
The use cases that fill it are in :mod:`sohoa.workflow.register`.
"""

from __future__ import annotations

import sqlite_utils


def register_tables(db: sqlite_utils.Database) -> None:
    """Migration: ``register_dossiers``, ``register_components``, ``register_backlog``."""
    db["register_dossiers"].create(
        {
            "dossier_id": str,  # the local dossier's id (dossiers.id) when it has one
            "code": str,  # MaHoSo
            "procedure_code": str,  # MaTTHC
            "procedure_name": str,
            "unit": str,  # the receiving unit (DonViXuLy / the dossier code's unit part)
            "received_date": str,  # ISO date (NgayTiepNhan)
            "received_month": str,  # YYYY-MM: the month the report counts the dossier in
            "owner_type": str,  # person / organisation (LoaiDoiTuong)
            "channel": str,  # counter (a dossier received) or backlog (an archive result's dossier)
            "registered_at": str,
            "finished_at": str,
        },
        pk="dossier_id",
        not_null={"code", "received_month"},
        defaults={"channel": "counter"},
    )
    db["register_components"].create(
        {
            "id": str,
            "dossier_id": str,
            "position": int,
            "component_code": str,  # MaThanhPhanHoSo
            "title": str,  # TenTepDinhKem / TenGiayTo
            "state": str,  # digitized, reused, not-digitized
            "reason": str,  # why not digitized (pending, paper-only, unreadable, ...)
            "document_id": str,  # the local document (documents.id) that digitized it
            "replacing_result": str,  # MaKetQuaThayThe: the result code that replaced the paper
            "remote_id": str,  # the repository's or portal's id of the reused file
            "from_national": int,  # DuocLayTuKhoDMQG: 1 when the national store gave it
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("dossier_id", "register_dossiers", "dossier_id")],
    )
    db["register_components"].create_index(["dossier_id"])
    db["register_backlog"].create(
        {
            "id": str,  # the local document's id
            "result_code": str,  # MaGiayToKetQua
            "procedure_code": str,
            "unit": str,
            "issue_date": str,
            "issue_year": int,
            "digitized_month": str,  # YYYY-MM
            "digitized_at": str,
        },
        pk="id",
    )
    db["register_dossiers"].create_index(["received_month"])
    db["register_backlog"].create_index(["digitized_month"])
