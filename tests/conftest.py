"""Shared test configuration; database fixtures live in tests/fix_database.py."""
