"""A document's lifecycle, owned by the core: its states and every allowed transition, in one place.

scanned -> processed -> signed -> queued -> uploaded -> acknowledged, or failed / rejected with a
reason. A signed document is never signed again: re-signing (after a rejection, or to correct a
result) needs an explicit new version (:func:`new_version`), which starts from ``processed``.
The store (:mod:`sohoa.core.store`) applies :func:`check_transition` to every state change, so the
counter, the batch signing, the queue view and the statistics all read one truth.
"""

from __future__ import annotations

from enum import StrEnum

from sohoa.core.errors import ExitCode, SoHoaError
from sohoa.core.i18n import Text


class DocState(StrEnum):
    SCANNED = "scanned"  # pages saved, not yet built into a PDF/A
    PROCESSED = "processed"  # PDF/A built; waiting for a signature
    SIGNED = "signed"  # signed; not yet in the outbox
    QUEUED = "queued"  # in the durable outbox
    UPLOADED = "uploaded"  # every byte is on the server; the commit is due
    ACKNOWLEDGED = "acknowledged"  # the repository holds it (remote id known)
    FAILED = "failed"  # processing or signing failed for good (reason kept); may be retried
    REJECTED = "rejected"  # the repository refused it (reason kept); needs a new version

    @property
    def label(self) -> Text:
        return STATE_TEXT[self]


STATE_TEXT: dict[DocState, Text] = {
    DocState.SCANNED: Text(vi="đã quét", en="scanned"),
    DocState.PROCESSED: Text(vi="chờ ký", en="waiting for a signature"),
    DocState.SIGNED: Text(vi="đã ký", en="signed"),
    DocState.QUEUED: Text(vi="chờ gửi", en="queued"),
    DocState.UPLOADED: Text(vi="đã tải lên, chờ xác nhận", en="uploaded, awaiting acknowledgement"),
    DocState.ACKNOWLEDGED: Text(vi="kho đã nhận", en="acknowledged"),
    DocState.FAILED: Text(vi="lỗi", en="failed"),
    DocState.REJECTED: Text(vi="kho từ chối", en="rejected"),
}

_S = DocState
TRANSITIONS: dict[DocState, frozenset[DocState]] = {
    _S.SCANNED: frozenset({_S.SCANNED, _S.PROCESSED, _S.FAILED}),
    _S.PROCESSED: frozenset({_S.PROCESSED, _S.SIGNED, _S.FAILED}),
    _S.SIGNED: frozenset({_S.QUEUED, _S.FAILED}),
    _S.QUEUED: frozenset({_S.UPLOADED, _S.ACKNOWLEDGED, _S.REJECTED}),
    _S.UPLOADED: frozenset({_S.ACKNOWLEDGED, _S.REJECTED}),
    _S.ACKNOWLEDGED: frozenset(),
    _S.FAILED: frozenset({_S.SCANNED, _S.PROCESSED, _S.FAILED}),
    _S.REJECTED: frozenset(),
}
# A new version (re-signing, correcting) may start from these states; it goes back to "processed".
NEW_VERSION_FROM = frozenset({_S.SIGNED, _S.QUEUED, _S.UPLOADED, _S.ACKNOWLEDGED, _S.REJECTED, _S.FAILED})
# States whose reason the store keeps (the clerk reads why).
WITH_REASON = frozenset({_S.FAILED, _S.REJECTED})
# Already carries a signature: signing again is refused.
SIGNED_STATES = frozenset({_S.SIGNED, _S.QUEUED, _S.UPLOADED, _S.ACKNOWLEDGED, _S.REJECTED})


class TransitionError(SoHoaError):
    """A state change the lifecycle does not allow (a bug or a race: nothing was changed)."""

    exit_code = ExitCode.INPUT
    text = Text(
        vi="Tài liệu {document} đang ở trạng thái '{current}' nên không thể chuyển sang '{target}'.",
        en="The document {document} is '{current}', so it cannot become '{target}'.",
    )


class AlreadySigned(TransitionError):
    text = Text(
        vi="Tài liệu {document} đã được ký. Muốn ký lại, hãy tạo phiên bản mới của tài liệu.",
        en="The document {document} is already signed. To sign it again, make a new version of it.",
    )


class DocumentNotFound(SoHoaError):
    exit_code = ExitCode.INPUT
    text = Text(
        vi="Không tìm thấy tài liệu hoặc hồ sơ '{document}' trong kho dữ liệu của máy này.",
        en="There is no document or dossier '{document}' in this workstation's store.",
    )


def check_transition(document: str, current: DocState | str, target: DocState | str) -> DocState:
    """Return ``target`` as a state if the lifecycle allows ``current -> target``; raise otherwise."""
    current, target = DocState(current), DocState(target)
    if target in TRANSITIONS[current]:
        return target
    if target == DocState.SIGNED and current in SIGNED_STATES:
        raise AlreadySigned(document=document)
    raise TransitionError(document=document, current=current.value, target=target.value)


def can_sign(state: DocState | str) -> bool:
    return DocState(state) == DocState.PROCESSED


def check_new_version(document: str, current: DocState | str) -> None:
    current = DocState(current)
    if current not in NEW_VERSION_FROM:
        raise TransitionError(document=document, current=current.value, target="new version")
