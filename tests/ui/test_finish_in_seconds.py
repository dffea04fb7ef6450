"""Issue 14, "Finish in seconds": the counter processes each page as it lands and after each edit,
so Finish only assembles, signs and queues; discarding the dossier purges what was processed.

Real parts: SANE's test feeder, the pipeline with Tesseract, a SoftHSM2 token.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.ui.conftest import answer_modal
from tests.ui.test_counter_workflow import _enter_pin, _type_dossier, token  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _stop_page_workers():  # type: ignore[no-untyped-def]
    yield
    from sohoa.workflow import page_cache

    page_cache.shutdown()


def _wait_processed(qtbot, cache) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 180
    while not cache.idle():
        assert time.monotonic() < deadline, "the pages were not processed in the background"
        qtbot.wait(100)


def _scan(qtbot, counter) -> None:  # type: ignore[no-untyped-def]
    counter.scan()
    qtbot.waitUntil(lambda: not counter.busy(), timeout=60000)
    assert counter.pages.count() == 10, counter.result_label.text()


def test_pages_processed_while_scanning_and_after_a_rotation_are_only_assembled_at_finish(
    window,
    ctx,
    qtbot,
    sane_test_scanner,
    token,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    counter = window.show_view("counter")
    _type_dossier(qtbot, counter.form)
    _scan(qtbot, counter)
    cache = counter.page_cache
    assert cache is not None and cache.root.is_dir()
    assert cache.root.is_relative_to(ctx.paths.data)  # personal data stays in the app's data folder
    for _ in range(7):
        counter.pages.select_row(counter.pages.count() - 1)
        counter.actions_["delete"].trigger()
    _wait_processed(qtbot, cache)
    before = cache.computed
    counter.pages.select_row(1)
    counter.actions_["rotate"].trigger()  # an edit that changes the page: processed again at once
    _wait_processed(qtbot, cache)
    assert cache.computed == before + 1
    pages = counter.pages.pages()
    assert all(cache.cached(cache.key(p.file, p.rotation)) for p in pages)

    answer_modal(qtbot, _enter_pin(token.pin))
    counter.finish_button.click()
    qtbot.waitUntil(lambda: not counter.busy() and bool(counter.outcomes), timeout=120000)
    assert [o.status for o in counter.outcomes] == ["queued"], counter.result_label.text()
    assert cache.computed == before + 1  # Finish ran no OCR: every page was ready
    assert cache.reused == 3
    assert counter.page_cache is None and not cache.root.exists()  # finished: the cache is purged
    signed = counter.outcomes[0].pdf
    assert signed is not None and signed.is_file()


def test_new_dossier_discards_the_processed_pages(window, ctx, qtbot, sane_test_scanner) -> None:  # type: ignore[no-untyped-def]
    counter = window.show_view("counter")
    _scan(qtbot, counter)
    cache = counter.page_cache
    root: Path = cache.root
    assert root.is_dir()

    def discard(box) -> None:  # type: ignore[no-untyped-def]
        buttons = {b.text(): b for b in box.buttons()}
        buttons["Bỏ"].click()  # "Discard"

    answer_modal(qtbot, discard)
    assert counter.new_dossier()
    assert counter.page_cache is None and cache.discarded
    qtbot.waitUntil(
        lambda: not root.exists() and not list(root.parent.glob(f".gone-{root.name}-*")), timeout=120000
    )
    with pytest.raises(Exception) as err:  # a discarded dossier's cache serves nothing any more
        cache.results([(p.file, 0) for p in counter.pages.pages()] or [(Path("page.png"), 0)])
    assert type(err.value).__name__ == "CancelledError"


def test_a_crashed_dossier_finds_its_processed_pages_and_abandoned_ones_are_purged(
    window, ctx, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import os

    from sohoa.gui import services
    from sohoa.gui.views.counter import CounterView
    from sohoa.workflow import page_cache
    from tests.ui.test_dossier_protection import _counter_with_work

    counter = _counter_with_work(window, qtbot, tmp_path)
    counter.pages.select_row(1)
    counter.pages.rotate_selected(90)
    cache = counter.page_cache
    _wait_processed(qtbot, cache)
    keys = {cache.key(p.file, p.rotation) for p in counter.pages.pages()}
    assert all(cache.cached(k) for k in keys)
    counter.save_state()
    counter.journal.release()  # a crash: the journal and the cache stay on disk
    page_cache._live.discard(cache.dossier_key)  # ... and no process holds the cache any more
    stray = ctx.paths.work / page_cache.CACHE_DIR / "abandoned"
    (stray / "k").mkdir(parents=True)
    os.utime(stray, (0, 0))  # a dossier the app left long ago, in no journal

    batches = services.unfinished_batches(ctx)  # at start
    assert len(batches) == 1
    assert not stray.exists()  # personal data no journal holds is removed
    assert cache.root.is_dir()  # the crashed dossier's pages are kept for it
    fresh = CounterView(ctx, window)
    qtbot.addWidget(fresh)
    fresh.restore_batch(batches[0])
    qtbot.waitUntil(lambda: fresh.pages.count() == 3 and not fresh.busy(), timeout=60000)
    restored = fresh.page_cache
    assert restored is not None and restored.root == cache.root
    assert {restored.key(p.file, p.rotation) for p in fresh.pages.pages()} == keys
    assert all(restored.cached(k) for k in keys)  # nothing to process again
    fresh.discard_journal()
    assert not cache.root.exists()
