"""A reference repository server (tus uploads + commit API) for tests, demos and integrators."""
