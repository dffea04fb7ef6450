"""Durable outbox of signed documents and the uploader to the provincial repository.

The API the UI and the CLI call (no Qt here):

- :class:`sohoa.outbox.outbox.Outbox`: ``enqueue(pdf, metadata) -> id``, ``list()``, ``counts()``,
  ``retry(id)``, ``get(id)``, ``purge(keep_days)``.
- :class:`sohoa.outbox.metadata.DocumentMetadata`: the metadata, ``validated(profile)``, ``to_wire()``.
- :func:`sohoa.outbox.sync.run_sync` (``sohoa sync``) and :class:`sohoa.outbox.sync.BackgroundSync`.
- :func:`sohoa.outbox.lookup.lookup_owner` and :func:`sohoa.outbox.lookup.attach_to_dossier` (reuse).
"""
