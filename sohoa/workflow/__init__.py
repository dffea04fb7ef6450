"""The dossier use cases: new dossier, add pages, finish (process, sign, queue), batch-sign, reuse, backlog."""
