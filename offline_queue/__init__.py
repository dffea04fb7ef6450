"""Durable outbox of signed documents and the uploader to the provincial repository.

The API the UI and the CLI call (no Qt here):

- :class:`offline_queue.outbox.Outbox`: ``enqueue(pdf, metadata) -> id``, ``list()``, ``counts()``,
  ``retry(id)``, ``get(id)``, ``purge(keep_days)``.
- :class:`offline_queue.metadata.DocumentMetadata`: the metadata, ``validated(profile)``, ``to_wire()``.
- :func:`offline_queue.sync.run_sync` (``sohoa sync``) and :class:`offline_queue.sync.BackgroundSync`.
- :func:`offline_queue.lookup.lookup_owner` and :func:`offline_queue.lookup.attach_to_dossier` (reuse).
"""
