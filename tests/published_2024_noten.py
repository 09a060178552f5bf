"""Transcription of the published VNG Financieel Jaarverslag 2024: the toelichting op
de geconsolideerde jaarrekening, notes (24)–(32), and the Fonds GGU per activiteit of
note (15).

The figures are in € 1.000 as printed (``../shared/reference``), ``None`` where the
report prints "-" or nothing. They are expected values for the tests and appear
nowhere else in the product.

``GROUP_NOTES`` holds each note's lines as printed, (2024, 2023). ``NOT_IN_BOOKS``
names the printed figures the reconstructed books do not hold (a split the
dochters do not book, an amount the books carry elsewhere), with the reason; the
tests leave them out and assert that they still differ, so a change of the books
that makes them come out shows. ``ERRATA`` are the figures where the report
contradicts itself, with the figure the books follow and the evidence.
"""

from __future__ import annotations

Printed = tuple[int | None, int | None]

# note key -> line id -> (2024, 2023), in the printed order
GROUP_NOTES: dict[str, dict[str, Printed]] = {
    "liquide_middelen": {
        "kas": (12, 20),
        "bank": (51070, 63456),
        "kruisposten": (None, 32),
        "totaal": (51082, 63508),
    },
    "voorzieningen": {
        "begin": (2150, 2154),
        "dotatie": (564, 538),
        "onttrekking": (-1069, -512),
        "vrijval": (-104, -30),
        "eind": (1541, 2150),
    },
    "overlopende_passiva": {
        "vooruit_gefactureerd": (1507, 22513),
        "vooruit_gefactureerde_contributie": (29748, 28108),
        "nog_te_besteden_subsidies": (103557, 28267),
        "fonds_ggu": (4093, 5360),
        "totaal": (138905, 84248),
    },
    "overige_schulden": {
        "reservering_verlof": (3877, 2953),
        "overige_schulden": (30363, 11360),
        "totaal": (34240, 14313),
    },
    "vergoeding_diensten": {
        "vergoeding_diensten": (50634, 47539),
        "totaal": (50634, 47539),
    },
    "overige_baten": {
        "opbrengst_derden": (4202, 2321),
        "auteursvergoedingen": (205, 425),
        "overige_baten": (2948, 2955),
        "totaal": (7355, 5701),
    },
    "personeelslasten": {
        "salarissen": (44441, 39270),
        "sociale_lasten": (5875, 4581),
        "pensioenbijdragen": (6206, 5837),
        "overige_personeelslasten": (7552, 7705),
        "totaal": (64074, 57393),
    },
    "overige_lasten": {
        "huisvesting": (444, 1157),
        "onderhoud_inventaris": (670, 551),
        "automatisering": (7147, 3918),
        "telecommunicatie": (992, 752),
        "drukwerk": (39, 1),
        "bibliotheek": (791, 784),
        "restauratief": (595, 606),
        "overige_bedrijfskosten": (30, 1448),
        "totaal": (10708, 9217),
    },
}

# The titles of the notes as printed, in the printed order.
GROUP_NOTE_TITLES: dict[str, str] = {
    "materiele_vaste_activa": "Materiële vaste activa (24)",
    "liquide_middelen": "Liquide middelen (25)",
    "voorzieningen": "Voorzieningen (26)",
    "overlopende_passiva": "Overlopende passiva (27)",
    "overige_schulden": "Overige schulden (28)",
    "vergoeding_diensten": "Vergoeding geleverde diensten (29)",
    "overige_baten": "Overige baten (30)",
    "personeelslasten": "Personeelslasten (31)",
    "overige_lasten": "Overige lasten (32)",
}

_DOCHTERS_ONE_ACCOUNT = "the dochters book this line on one account"
# (note, line, column) -> why the books do not give the printed figure
NOT_IN_BOOKS: dict[tuple[str, str, int], str] = {
    ("liquide_middelen", "kas", 0): "only the Vereniging keeps a kas (7); no dochter has one",
    ("liquide_middelen", "kas", 1): "only the Vereniging keeps a kas (15); no dochter has one",
    ("liquide_middelen", "bank", 0): "follows from the kas",
    ("liquide_middelen", "bank", 1): "follows from the kas and the kruisposten",
    ("liquide_middelen", "kruisposten", 1): "the group accepts no intercompany difference in 2023",
    ("voorzieningen", "begin", 1): "the opening balances of the books (eindbalans 2022) hold 1.859",
    ("voorzieningen", "dotatie", 0): "the dotaties of the books",
    ("voorzieningen", "dotatie", 1): "the dotaties of the books",
    ("voorzieningen", "onttrekking", 0): "VNG Realisatie books its onttrekking without mutatie",
    ("voorzieningen", "onttrekking", 1): "VNG Realisatie books its onttrekking without mutatie",
    ("voorzieningen", "vrijval", 0): "no entity books a vrijval (mutatie vrijval)",
    ("voorzieningen", "vrijval", 1): "no entity books a vrijval (mutatie vrijval)",
    ("overige_schulden", "reservering_verlof", 0): "only the Vereniging books the reservering",
    ("overige_schulden", "reservering_verlof", 1): "only the Vereniging books the reservering",
    ("overige_schulden", "overige_schulden", 0): "follows from the reservering",
    ("overige_schulden", "overige_schulden", 1): "follows from the reservering",
    ("overige_baten", "opbrengst_derden", 0): _DOCHTERS_ONE_ACCOUNT,
    ("overige_baten", "opbrengst_derden", 1): _DOCHTERS_ONE_ACCOUNT,
    ("overige_baten", "overige_baten", 0): _DOCHTERS_ONE_ACCOUNT,
    ("overige_baten", "overige_baten", 1): _DOCHTERS_ONE_ACCOUNT,
    **{
        ("overige_lasten", line, column): _DOCHTERS_ONE_ACCOUNT
        for line in (
            "huisvesting",
            "automatisering",
            "telecommunicatie",
            "drukwerk",
            "bibliotheek",
            "overige_bedrijfskosten",
        )
        for column in (0, 1)
    },
    ("overige_lasten", "restauratief", 0): "the Vereniging alone books 596 (note 19)",
}

# (note, line, column) -> (the figure the books follow, printed, why)
ERRATA: dict[tuple[str, str, int], tuple[int | None, int | None, str]] = {
    ("liquide_middelen", "totaal", 1): (
        63506,
        63508,
        "the geconsolideerde balans 2023 closes on liquide middelen of 63.506 "
        "(tests/published_2024.py GECONSOLIDEERD_ERRATA)",
    ),
    ("overlopende_passiva", "nog_te_besteden_subsidies", 0): (
        103558,
        103557,
        "the same Vereniging's account is 103.558 in note (13); no dochter has subsidies",
    ),
    ("overlopende_passiva", "fonds_ggu", 0): (
        4092,
        4093,
        "the same Vereniging's account is 4.092 in note (13) and in note (15)'s text",
    ),
    ("overlopende_passiva", "totaal", 0): (
        138906,
        138905,
        "the geconsolideerde balans shows 138.906; the note's printed lines add to 138.905",
    ),
    ("personeelslasten", "overige_personeelslasten", 1): (
        7578,
        7705,
        "the geconsolideerde staat van baten en lasten 2023 shows 7.578",
    ),
    ("personeelslasten", "totaal", 1): (
        57266,
        57393,
        "39.270 + 4.581 + 5.837 + 7.578 from the staat van baten en lasten 2023",
    ),
}
