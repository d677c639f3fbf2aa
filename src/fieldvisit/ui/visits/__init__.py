"""The visit list, the first page of the main window."""
