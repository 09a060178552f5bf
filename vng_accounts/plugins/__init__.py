"""Beancount plugins that check the books. Each returns ``(entries, errors)`` and
never raises for bad data, so bean-check, Fava and `vng check` show the same
``file:line: message``."""
