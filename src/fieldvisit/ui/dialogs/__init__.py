"""The dialogs opened from the menus and the pages: new visit, contacts, history,
passphrase, preferences, recovery, about."""
