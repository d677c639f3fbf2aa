"""The visit workspace and its section pages."""
