"""Repository connectors, one per kind of provincial system, chosen by the province profile.

connector = connector_for(profile, settings.repository)
found = connector.find_results(ResultQuery(owner_id="001099012345", procedure_code="1.001757"))
data = connector.fetch(found[0], found[0].files[0])
connector.sync_dossier(record)
"""

from __future__ import annotations

from sohoa.core.config import Repository
from sohoa.core.province import ProvinceProfile
from sohoa.outbox.client import RepositoryClient
from sohoa.outbox.connectors.base import RepositoryConnector


def connector_for(
    profile: ProvinceProfile, settings: Repository, client: RepositoryClient | None = None
) -> RepositoryConnector:
    """The connector the profile names (``reference`` or ``portal``), on a client from ``settings``."""
    if client is None:
        from sohoa.outbox.sync import client_factory

        client = client_factory(settings)()
    if profile.connector == "portal":
        from sohoa.outbox.connectors.portal import PortalConnector

        return PortalConnector(client, profile)
    from sohoa.outbox.connectors.reference import ReferenceConnector

    return ReferenceConnector(client, profile)
