"""The application and its main window: start, menus, data safety, the smoke test."""
