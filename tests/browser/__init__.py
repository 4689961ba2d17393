"""Real-browser tests (Playwright, Chromium).

A package, so its conftest does not shadow tests/conftest.py for `from conftest import`.
"""
