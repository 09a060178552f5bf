"""The metadata keys and values the books and the plugins share.

A transaction's ``mutatie`` places it in a movement schedule (the verloopoverzichten,
the toelichting's movement of the materiële vaste activa, the herwaardering);
``BEGINBALANS`` marks the opening balance of the books, the first begin balance of
every schedule.
"""

from __future__ import annotations

MUTATIE = "mutatie"
BEGINBALANS = "beginbalans"
