"""The dossier use cases, the one place where the flow is put together (layer 3).

- :mod:`~sohoa.workflow.context`: the :class:`Workspace` (folders, settings, store) they run in;
- :mod:`~sohoa.workflow.draft`: the Qt-free dossier draft the counter edits (JSON for recovery);
- :mod:`~sohoa.workflow.dossiers`: new dossier, add pages or files, show;
- :mod:`~sohoa.workflow.finish`: finish (process -> sign -> queue), batch-sign pending results;
- :mod:`~sohoa.workflow.reuse`: reuse a citizen's document already in the repository;
- :mod:`~sohoa.workflow.backlog`: a backlog (old paper) result;
- :mod:`~sohoa.workflow.upload`: send the queue; acknowledgements move documents to acknowledged;
- :mod:`~sohoa.workflow.capture`: scan a batch from a scanner (the demo, headless counters).

The entry points (``sohoa.cli``, ``sohoa.gui``, the demo, the doctor) only call these.
"""
