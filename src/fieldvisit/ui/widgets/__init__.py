"""Widgets used on several screens: dates, length-limited text, thumbnails, PDF preview."""
