"""Client side of the sync: wire schema, HTTP client, three-way merge, sync engine."""
