"""Synchronisation in the window: the controller, the status, the server settings,
conflicts and refusals."""
