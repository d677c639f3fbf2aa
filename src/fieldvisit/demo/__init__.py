"""Demonstration data: realistic visits of Petites Villes de demain, seeded through the
services like a person's work (`demo.seed.seed_demo`). Data, not a use case: it sits
above the services and the report (a visit's report is issued as the app issues it).
"""
