"""Durable outbox of signed documents and the uploader to the provincial repository."""
