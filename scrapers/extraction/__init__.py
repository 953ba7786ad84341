"""Article extraction stages: charset, JSON-LD, embedded site data, boilerplate, dates.

Import the public API from ``scrapers.extract``.
"""
