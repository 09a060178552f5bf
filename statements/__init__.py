"""Statements computed from the books: pure builders, the result type, renderers."""
