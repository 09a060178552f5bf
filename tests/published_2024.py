"""Transcription of the published VNG Financieel Jaarverslag 2024, enkelvoudig.

The figures are in € 1.000 as printed (``../shared/reference``). They are expected
values for the tests and appear nowhere else in the product.

Where the report contradicts itself, the figure the books follow is given in
``ERRATA`` with the reason; the test compares against the corrected figure and
asserts that the printed one is indeed inconsistent.
"""

from __future__ import annotations

# Enkelvoudige balans per 31 december 2024 (voor resultaatbestemming): (2024, 2023)
BALANS: dict[str, tuple[int | None, int | None]] = {
    "bedrijfsgebouwen": (7235, 7777),
    "activa_in_uitvoering": (502, 361),
    "machines_installaties": (722, 772),
    "andere_vaste_bedrijfsmiddelen": (1244, 1186),
    "totaal_mva": (9703, 10096),
    "deelnemingen": (23128, 21101),
    "overige_effecten": (68388, 63987),
    "totaal_fva": (91516, 85088),
    "totaal_vaste_activa": (101219, 95185),
    "handelsdebiteuren": (16351, 14075),
    "gelieerde_ondernemingen": (75, 123),
    "belastingen_vordering": (144, 4823),
    "intercompany_vordering": (2171, 9076),
    "overlopende_activa": (83485, None),  # printed as "-"
    "totaal_vorderingen": (102226, 28098),
    "liquide_middelen": (25056, 25704),
    "totaal_vlottende_activa": (127282, 53802),
    "totaal_activa": (228501, 148987),
    "herwaarderingsreserves": (6462, 1780),
    "statutaire_reserve": (686, 686),
    "bestemmingsreserves": (2904, 3512),
    "overige_reserves": (50491, 46733),
    "omrekenverschillen": (-157, -168),
    "onverdeeld_resultaat": (-26, 3758),
    "totaal_eigen_vermogen": (60360, 56301),
    "egalisatievoorziening": (731, 1076),
    "jubileumvoorziening": (437, 375),
    "totaal_voorzieningen": (1168, 1451),
    "handelscrediteuren": (7212, 5618),
    "belastingen_schuld": (6099, 6678),
    "intercompany_schuld": (8131, 7968),
    "overlopende_passiva": (137398, 61736),
    "overige_schulden": (8133, 9235),
    "totaal_kortlopende_schulden": (166973, 91235),
    "totaal_passiva": (228501, 148987),
}

# Enkelvoudige staat van baten en lasten 2024: (realisatie 2024, begroot 2024, realisatie 2023)
BATEN_LASTEN: dict[str, tuple[int | None, int | None, int | None]] = {
    "contributie": (28108, 28108, 26206),
    "bijdrage_projecten": (135307, 84237, 122429),
    "overige_baten": (8716, 5821, 7556),
    "som_der_baten": (172131, 118166, 156191),
    "salarissen": (25612, 24863, 23014),
    "sociale_lasten": (6973, 6548, 5843),
    "overige_personeelslasten": (5710, 2266, 6471),
    "afschrijvingen": (1468, 1779, 1467),
    "kantoor_huisvesting": (8203, 5281, 6114),
    "activiteitslasten": (128468, 81086, 115023),
    "overige_lasten": (-907, 1404, 1802),
    "som_der_lasten": (175527, 123227, 159734),
    "bedrijfsresultaat": (-3396, -5061, -3543),
    "financiele_baten_lasten": (747, None, 5005),  # begroot printed as "-"
    "buitengewone_baten": (0, 607, 0),
    "resultaat_deelnemingen": (2015, None, 1363),
    "resultaat_voor_belastingen": (-634, -4454, 2824),
    "vpb": (0, None, 0),
    "resultaat": (-634, -4454, 2824),
    "dekking_uit_vermogen": (608, 4454, 934),
    "onverdeeld_resultaat": (-26, 0, 3758),
}

# Kengetallen (Financieel beleid, "Vermogen en solvabiliteit"): percentages
SOLVABILITEIT = {"2024": "26.42", "2023": "37.79", "2023 bruto": "25.79"}
LIQUIDITEITSPOSITIE = {"2024": 25056, "2023": 25704}

# Specifications of the toelichting: {note key: {line id: (this year, [begroot,] last year)}}
TOELICHTING: dict[str, dict[str, tuple[int | None, ...]]] = {
    "handelsdebiteuren": {
        "handelsdebiteuren": (16438, 14243),
        "voorziening": (-87, -168),
        "totaal": (16351, 14075),
    },
    "belastingen_vordering": {"dividendbelasting": (144, 123), "totaal": (144, 123)},
    "intercompany_vordering": {
        "congres_studiecentrum": (5, 18),
        "vng_international": (42, 73),
        "opleiding_detachering": (10, 4),
        "vng_realisatie": (2099, 4723),
        "vng_risicobeheer": (15, 5),
        "vng_diensten": (0, 0),
        "totaal": (2171, 4823),
    },
    # 2023 "(wijziging presentatie)": bruto, as the books hold the subsidies
    "overlopende_activa": {
        "waarborgsommen": (6, 6),
        "vooruitbetaalde_kosten": (1857, 258),
        "nog_te_factureren": (2848, 3093),
        "nog_te_ontvangen_subsidies": (78688, 74529),
        "overige_vorderingen": (86, 539),
        "totaal": (83485, 78425),
    },
    "liquide_middelen": {"bank": (25049, 25689), "kas": (7, 15), "totaal": (25056, 25704)},
    "handelscrediteuren": {"handelscrediteuren": (7212, 5618), "totaal": (7212, 5618)},
    "belastingen_schuld": {
        "loonheffing": (2191, 1845),
        "pensioenen": (445, 416),
        "omzetbelasting": (3463, 4417),
        "totaal": (6099, 6678),
    },
    "intercompany_schuld": {
        "congres_studiecentrum": (628, 495),
        "vng_international": (1759, 1),
        "opleiding_detachering": (166, 198),
        "vng_realisatie": (5578, 7273),
        "totaal": (8131, 7968),
    },
    "overlopende_passiva": {
        "vooruit_gefactureerde_contributie": (29748, 28108),
        "nog_te_besteden_subsidies": (103558, 97617),
        "fonds_ggu": (4092, 5360),
        "totaal": (137398, 131085),
    },
    "overige_schulden": {
        "vooruit_gefactureerd": (31, 31),
        "reservering_verlof": (3005, 2333),
        "overige_schulden": (5097, 6871),
        "totaal": (8133, 9235),
    },
    "deelnemingen": {"vng_diensten": (23128, 21101), "totaal": (23128, 21101)},
    "overige_effecten": {
        "effectenportefeuille": (68384, 63984),
        "overige_beleggingen": (4, 4),
        "totaal": (68388, 63988),
    },
    "bijdrage_projecten": {
        "subsidies_rijk": (66502, 13373, 61146),
        "fonds_ggu": (68805, 70864, 61283),
        "totaal": (135307, 84237, 122429),
    },
    "overige_baten": {
        "opbrengst_derden": (3114, 1388, 2204),
        "auteursvergoedingen": (205, 200, 425),
        "vacatiegelden": (17, 5, 15),
        "interne_baten": (4649, 3556, 4187),
        "overige_baten": (731, 672, 724),
        "totaal": (8716, 5821, 7556),
    },
    "personeelslasten": {
        "salarissen": (26477, 24863, 23014),
        "sociale_lasten": (3350, 3145, 2897),
        "pensioenlasten": (3623, 3403, 3424),
        "vergoedingen": (-865, None, -478),
        "totaal": (32585, 31411, 28857),
    },
    "overige_personeelslasten": {
        "uitzendkrachten": (3184, 323, 3210),
        "arbolasten": (204, 77, 115),
        "studielasten": (500, 474, 678),
        "werving": (42, 75, 44),
        "rechtspositionele_lasten": (160, 151, 171),
        "voorzieningen": (633, None, 269),
        "overige_lasten": (448, 802, 1554),
        "reis_verblijf": (539, 365, 431),
        "totaal": (5710, 2266, 6471),
    },
    "kantoor_huisvesting": {
        "huisvesting": (1019, 999, 1132),
        "onderhoud_inventaris": (670, 475, 551),
        "automatisering": (5127, 2490, 3039),
        "telecommunicatie": (5, 23, 7),
        "drukwerk": (0, 26, 0),
        "bibliotheek": (786, 781, 778),
        "restauratief": (596, 488, 606),
        "totaal": (8203, 5281, 6114),
    },
    "activiteitslasten": {
        "voorlichting": (1585, 548, 1182),
        "bijeenkomsten": (3608, 298, 3363),
        "onderzoek": (3084, 3736, 2494),
        "advies_derden": (114672, 84545, 104250),
        "bijdragen_lidmaatschappen": (5519, 582, 3734),
        "doorbelasting": (0, -8623, -1),
        "totaal": (128468, 81086, 115023),
    },
    "financiele_baten_lasten": {
        "opbrengst_effecten": (-240, None, 3622),
        "rentebaten": (987, None, 1383),
        "rentelasten": (0, None, 0),
        "totaal": (747, None, 5005),
    },
}

# Notes (6) and (13), third column: 2023 as the balance presents it (the subsidies
# netted per subsidie), next to the restated 2023 "(wijziging presentatie)".
GESALDEERD_2023 = {
    "overlopende_activa": {"nog_te_ontvangen_subsidies": 5180, "totaal": 9076},
    "overlopende_passiva": {"nog_te_besteden_subsidies": 28267, "totaal": 61736},
}

# The report contradicts itself here. Key: (statement, line, column index).
# Value: (figure the books follow, printed figure, why).
ERRATA: dict[tuple[str, str, int], tuple[int, int | None, str]] = {
    ("balans", "gelieerde_ondernemingen", 1): (
        0,
        123,
        "2023-kolom van de vorderingen één regel verschoven: 123 hoort bij Belastingen (toelichting 4: "
        "dividendbelasting 2023 = 123); de vordering op The Hague Academy is pas in 2024 apart "
        "gepresenteerd",
    ),
    ("balans", "belastingen_vordering", 1): (
        123,
        4823,
        "verschoven 2023-cel: 4.823 is het totaal van toelichting 5 (intercompany)",
    ),
    ("balans", "intercompany_vordering", 1): (
        4823,
        9076,
        "verschoven 2023-cel: 9.076 is het totaal van toelichting 6 (oude presentatie)",
    ),
    ("balans", "overlopende_activa", 1): (
        9076,
        None,
        "verschoven 2023-cel: gedrukt als '-', toelichting 6 geeft 9.076 (gesaldeerd)",
    ),
    ("balans", "overige_effecten", 1): (
        63988,
        63987,
        "de balans 2023 drukt 63.987, toelichting (2) geeft voor dezelfde post 63.988 "
        "(effectenportefeuille 63.984 en overige beleggingen 4)",
    ),
    ("baten_lasten", "salarissen", 2): (
        22536,
        23014,
        "toelichting 17: in 2024 staan de vergoedingen (ZW, uitlenen personeel) onder Salarissen "
        "(26.477 - 865 = 25.612), in de vergelijkende cijfers 2023 onder sociale lasten; de boeken "
        "presenteren beide jaren gelijk: 23.014 - 478",
    ),
    ("baten_lasten", "sociale_lasten", 2): (
        6321,
        5843,
        "zie Salarissen 2023: 2.897 + 3.424 zonder de vergoedingen van -478",
    ),
}

# Toelichting (1), verloop materiële vaste activa 2024: columns bedrijfsgebouwen, activa in
# uitvoering, machines en installaties, andere vaste bedrijfsmiddelen, totaal 2024
MVA = {
    "aanschafwaarde_begin": (24821, 361, 6318, 5244, 36745),
    "afschrijvingen_begin": (-17044, 0, -5546, -4058, -26648),
    "boekwaarde_begin": (7777, 361, 772, 1186, 10096),
    "investeringen": (378, 502, 125, 437, 1442),
    "desinvesteringen_aanschafwaarde": (-19, 0, -363, -1083, -1465),
    "desinvesteringen_afschrijvingen": (19, 0, 357, 1083, 1459),
    "herrubriceringen_aanschafwaarde": (0, -361, 0, 0, -361),
    "herrubriceringen_afschrijvingen": (0, 0, 0, 0, 0),
    "afschrijvingen": (-920, 0, -170, -379, -1468),
    "totaal_mutaties": (-542, 140, -50, 58, -393),
    "aanschafwaarde_eind": (25179, 502, 6080, 4598, 36360),
    "afschrijvingen_eind": (-17944, 0, -5359, -3354, -26657),
    "boekwaarde_eind": (7235, 502, 722, 1244, 9703),
}

# Specificaties realisatie 2024 (18–21): (project gefinancierd, overig, totaal)
FINANCIERING = {
    "overige_personeelslasten": {"overige_personeelslasten": (280, 5430, 5710)},
    "kantoor_huisvesting": {"kantoor_huisvesting": (1620, 6583, 8203)},
    "activiteitslasten": {
        "voorlichting": (550, 1035, 1585),
        "bijeenkomsten": (1847, 1761, 3608),
        "onderzoek": (2314, 770, 3084),
        "advies_derden": (111896, 2776, 114672),
        "bijdragen_lidmaatschappen": (4952, 567, 5519),
        "doorbelasting": (9, -9, 0),
        "totaal": (121568, 6900, 128468),
    },
    "overige_lasten": {"overige_lasten": (-90, -817, -907)},
}

# Movement schedules of the toelichting, keyed by their printed row labels.
# Effecten and herwaarderingsreserve: (obligaties, aandelen, totaal 2024, totaal 2023);
# the others: (2024, 2023).
VERLOOP: dict[str, dict[str, tuple[int, ...]]] = {
    "effecten": {
        "Balanswaarde per 1 januari": (43869, 20115, 63984, 57575),
        "Aankopen": (44241, 3978, 48219, 12169),
        "Verkopen": (-41837, -5769, -47606, -10606),
        "Gerealiseerde waardedalingen of -stijgingen": (-767, 316, -451, 372),
        "Ongerealiseerde waardedalingen of -stijgingen": (1408, 2830, 4238, 4474),
        "Stand per 31 december": (46914, 21470, 68384, 63984),
    },
    "herwaarderingsreserve": {
        "Balanswaarde per 1 januari": (-1314, 3094, 1780, -2694),
        "Realisatie herwaardering door verkoop": (1442, -998, 444, 90),
        "Ongerealiseerde waarde mutaties": (1408, 2830, 4238, 4384),
        "Mutatie herwaardering": (2850, 1832, 4682, 4474),
        "Stand per 31 december": (1536, 4926, 6462, 1780),
    },
    "deelneming_vng_diensten": {
        "Stand per 1 januari": (21101, 19745),
        "Aandeel in resultaat": (2015, 1363),
        "Dividend": (0, 0),
        "Omrekenverschillen vreemde valuta": (12, -7),
        "Stand per 31 december": (23128, 21101),
    },
    "overige_reserves": {
        "Stand per 1 januari": (46733, 49238),
        "Resultaatsbestemming vorig boekjaar": (3758, -4217),
        "Vrijval statutaire reserve": (0, 2039),
        "Bestemming agv Kennishub": (0, -528),
        "Vrijval bestemming Kennishub": (0, 202),
        "Stand per 31 december": (50491, 46733),
    },
    "bestemmingsreserve": {
        "Stand per 1 januari": (3512, 4121),
        "Lasten herhuisvesting": (-458, -458),
        "Lasten afschrijving begane grond": (-150, -150),
        "Bestemming agv Kennishub": (0, 528),
        "Lasten agv Kennishub werkzaamheden": (0, -326),
        "Vrijval restant bestemming Kennishub budget": (0, -202),
        "Stand per 31 december": (2904, 3512),
    },
    "statutaire_reserve": {"Stand per 1 januari": (686, 686), "Stand per 31 december": (686, 686)},
    "omrekenverschillen": {
        "Stand per 1 januari": (-168, -161),
        "Mutatie": (11, -7),
        "Stand per 31 december": (-157, -168),
    },
    "onverdeeld_resultaat": {
        "Stand per 1 januari": (3758, -4218),
        "Naar Overige reserves (uit onverdeeld resultaat voorgaand boekjaar)": (-3758, 4218),
        "Mutatie bestemmingsreserve (afschr. lasten huisvesting)": (608, 608),
        "Mutatie bestemmingsreserve (Werkzaamheden a.g.v. Kennishub)": (0, 326),
        "Resultaat boekjaar": (-634, 2824),
        "Stand per 31 december": (-26, 3758),
    },
    "egalisatievoorziening": {
        "Stand per 1 januari": (1076, 751),
        "Dotaties": (321, 592),
        "Onttrekkingen/vrijval": (-666, -267),
        "Stand per 31 december": (731, 1076),
    },
    "voorziening_ambtsjubilea": {
        "Stand per 1 januari": (375, 408),
        "Dotaties": (62, -33),
        "Stand per 31 december": (437, 375),
    },
}

# Errata in the movement schedules: (table, row label, column) -> (books, printed, why)
VERLOOP_ERRATA: dict[tuple[str, str, int], tuple[int, int | None, str]] = {
    ("effecten", "Gerealiseerde waardedalingen of -stijgingen", 3): (
        462,
        372,
        "de 2023-kolom van het effectenverloop boekt 4.474 als ongerealiseerd, de "
        "herwaarderingstabel splitst dezelfde 4.474 in realisatie 90 en ongerealiseerd 4.384; "
        "met 4.384 sluit het verloop op 63.984 bij een gerealiseerd resultaat van 462",
    ),
    ("effecten", "Ongerealiseerde waardedalingen of -stijgingen", 3): (
        4384,
        4474,
        "zie gerealiseerd 2023: de herwaarderingstabel geeft 4.384",
    ),
    ("overige_reserves", "Resultaatsbestemming vorig boekjaar", 1): (
        -4218,
        -4217,
        "het verloop van het onverdeeld resultaat geeft het resultaat 2022 als -4.218 (stand per "
        "1 januari 2023) en 4.218 (naar de overige reserves); het verloop van de overige reserves "
        "drukt hetzelfde bedrag als -4.217",
    ),
    ("omrekenverschillen", "Mutatie", 0): (
        12,
        11,
        "het verloop van de deelneming en het mutatieoverzicht eigen vermogen geven de "
        "omrekenverschillen 2024 als 12; de reserve omrekenverschillen drukt hetzelfde bedrag als 11",
    ),
    ("statutaire_reserve", "Stand per 1 januari", 1): (
        2725,
        686,
        "de overige reserves ontvangen in 2023 een vrijval statutaire reserve van 2.039 en de "
        "statutaire reserve eindigt op 686: zij begon dus op 2.725",
    ),
    ("statutaire_reserve", "Vrijval naar overige reserves", 1): (
        -2039,
        None,
        "de vrijval van 2.039 ontbreekt in het verloop van de statutaire reserve",
    ),
}

# WNT-verantwoording 2024: bezoldiging topfunctionarissen, to the cent.
# (functie, periode, deeltijdfactor, dienstbetrekking, beloning, termijn, subtotaal,
#  individueel maximum, bezoldiging)
WNT_TOPFUNCTIONARISSEN = {
    "Leonard Geluk 2024": (
        "Algemeen Directeur",
        "01/01 – 31/12",
        "1",
        "ja",
        "178331.90",
        "23309.52",
        "201641.42",
        "233000.00",
        "201641.42",
    ),
    "Pieter Jeroense 2024": (
        "Plv. Algemeen Directeur",
        "01/01 – 31/12",
        "0,5",
        "ja",
        "86429.30",
        "11643.54",
        "98072.84",
        "116500.00",
        "98072.84",
    ),
    "Leonard Geluk 2023": (
        "Algemeen Directeur",
        "01/01 – 31/12",
        "1",
        "ja",
        "166299.89",
        "22522.92",
        "188822.81",
        "233000.00",
        "188822.81",
    ),
    "Pieter Jeroense 2023": (
        "Plv. Algemeen Directeur",
        "01/01 – 31/12",
        "0,49",
        "ja",
        "84901.21",
        "11250.72",
        "96151.93",
        "109999.00",
        "96151.93",
    ),
}
# The 2023 comparison printed with the 2024 maximum: the maximum of 2023 is € 223.000.
WNT_ERRATA = {
    ("Leonard Geluk 2023", "maximum"): (
        "223000.00",
        "233000.00",
        "de vergelijkende cijfers 2023 gebruiken het maximum van 2024; "
        "het bezoldigingsmaximum 2023 is € 223.000",
    ),
    ("Pieter Jeroense 2023", "maximum"): (
        "109270.00",
        "109999.00",
        "0,49 fte x € 223.000 = € 109.270 (met het maximum van 2024 "
        "zou het € 114.170 zijn; 109.999 volgt uit geen van beide)",
    ),
}

# 1d: toezichthoudende topfunctionarissen 2024 (bezoldiging kleiner dan € 2.100), as printed
WNT_TOEZICHTHOUDERS = [
    ("Mw. S. Dijksma", "Voorzitter", "01/01 t/m 31/12"),
    ("Dhr. M. Boumans", "Vice-voorzitter", "01/01 t/m 31/12"),
    ("Dhr. E. van Oosterhout", "Secretaris/Penningmeester", "01/01 t/m 31/12"),
    ("Dhr. S. van Alfen", "Lid van het Bestuur", "01/01 t/m 31/12"),
    ("Mw. S. Ausems", "Lid van het Bestuur", "01/01 t/m 31/12"),
    ("Mw. A. van Berckel", "Lid van het Bestuur", "01/01 t/m 31/12"),
    ("Dhr. C. van den Bos", "Lid van het Bestuur", "01/01 t/m 25/06"),
    ("Dhr. G. Broer", "Lid van het Bestuur", "29/11 t/m 31/12"),
    ("Mw. H van Buren", "Lid van het Bestuur", "29/11 t/m 31/12"),
    ("Mw. S. Bruines", "Lid van het Bestuur", "01/01 t/m 31/12"),
    ("Dhr. P. Depla", "Lid van het Bestuur", "01/01 t/m 31/12"),
    ("Dhr. E. Drenth", "Lid van het Bestuur", "01/01 t/m 31/12"),
    ("Mw. C. Dortmans", "Lid van het Bestuur", "01/01 t/m 25/06"),
    ("Dhr. R. Groot Wassink", "Lid van het Bestuur", "01/01 t/m 20/06"),
    ("Dhr. T. Heerts", "Lid van het Bestuur", "01/01 t/m 31/12"),
    ("Dhr. P. Heijkoop", "Lid van het Bestuur", "01/01 t/m 18/09"),
    ("Mw. L. Hooijdonk", "Lid van het Bestuur", "01/01 t/m 04/12"),
    ("Dhr. J. de Koning", "Lid van het Bestuur", "29/11 t/m 31/12"),
    ("Dhr. J. Kramer", "Lid van het Bestuur", "01/01 t/m 31/12"),
    ("Mw. N. Kramers", "Lid van het Bestuur", "26/06 t/m 31/12"),
    ("Dhr. R. Lievense", "Lid van het Bestuur", "01/01 t/m 28/02"),
    ("Dhr. J.M. van Rees", "Lid van het Bestuur", "01/12 t/m 31/12"),
    ("Dhr. A. Reinders", "Lid van het Bestuur", "01/01 t/m 31/12"),
    ("Mw. M van der Sloot", "Lid van het Bestuur", "29/11 t/m 31/12"),
    ("Dhr. P. Snijders", "Lid van het Bestuur", "01/01 t/m 31/12"),
    ("Dhr. G. Soest", "Lid van het Bestuur", "01/01 t/m 31/08"),
    ("Mw. L. Spies", "Lid van het Bestuur", "01/01 t/m 31/12"),
    ("Mw. O. Chang", "Lid van het Bestuur", "01/01 t/m 31/12"),
    ("Mw. M. Vermue", "Lid van het Bestuur", "26/06 t/m 31/12"),
    ("Dhr. R. Wever", "Lid van het Bestuur", "01/01 t/m 31/12"),
]

# Geconsolideerde balans per 31 december: (2024, 2023)
GECONSOLIDEERD_BALANS = {
    "software": (308, 77),
    "bedrijfsgebouwen": (7258, 7805),
    "activa_in_uitvoering": (501, 361),
    "machines_installaties": (722, 772),
    "andere_vaste_bedrijfsmiddelen": (1338, 1288),
    "totaal_mva": (9819, 10226),
    "overige_effecten": (68388, 63986),
    "leningen_ug": (13, 18),
    "totaal_fva": (68401, 64004),
    "totaal_vaste_activa": (78528, 74307),
    "handelsdebiteuren": (26357, 17269),
    "gelieerde_ondernemingen": (75, 0),
    "overige_vorderingen": (12686, 8681),
    "overlopende_activa": (87229, 11355),
    "totaal_vorderingen": (126347, 37305),
    "liquide_middelen": (51082, 63508),
    "totaal_vlottende_activa": (177429, 100813),
    "totaal_activa": (255957, 175120),
    "groepsvermogen": (60361, 56301),
    "voorzieningen": (1541, 2150),
    "handelscrediteuren": (12697, 10599),
    "belastingen_schuld": (8212, 7509),
    "overlopende_passiva": (138906, 84248),
    "overige_schulden": (34240, 14313),
    "totaal_kortlopende_schulden": (194055, 116669),
    "totaal_passiva": (255957, 175120),
}
GECONSOLIDEERD_BATEN_LASTEN = {
    "contributies": (28108, 26206),
    "bijdrage_projecten": (136286, 124182),
    "vergoeding_diensten": (50634, 47539),
    "overige_baten": (7355, 5701),
    "som_der_baten": (222383, 203628),
    "salarissen": (44441, 39270),
    "sociale_lasten": (5875, 4581),
    "pensioenbijdragen": (6206, 5837),
    "overige_personeelslasten": (7552, 7578),
    "afschrijvingen_imva": (15, 10),
    "afschrijvingen_mva": (1487, 1486),
    "activiteitslasten": (147234, 137743),
    "overige_lasten": (10708, 9217),
    "som_der_lasten": (223518, 205722),
    "bedrijfsresultaat": (-1135, -2094),
    "opbrengst_effecten": (-240, 3623),
    "rentebaten": (1444, 1704),
    "rentelasten": (-21, 0),
    "som_financieel": (1183, 5327),
    "bijzondere_baten_lasten": (0, 31),
    "voorgaande_jaren": (0, 16),
    "resultaat_voor_vpb": (48, 3280),
    "vpb": (-682, -456),
    "resultaat": (-634, 2824),
    "dekking_uit_vermogen": (608, 934),
    "onverdeeld_resultaat": (-26, 3758),
}
MUTATIE_EIGEN_VERMOGEN = {
    "resultaat": (-634, 2824),
    "herwaardering": (4682, 1780),
    "omrekenverschillen": (12, -7),
    "mutatie": (4060, 4597),
}
RESULTAAT_DEELNEMINGEN = {
    "connect": (1518, 1282),
    "international": (535, 347),
    "risicobeheer": (716, 232),
    "realisatie": (45, 57),
    "diensten": (-117, -101),
    "vpb": (-682, -455),
    "totaal": (2015, 1362),
}
# (line, column) -> (books, printed, why)
GECONSOLIDEERD_ERRATA = {
    ("overlopende_passiva", 0): (
        138905,
        138906,
        "toelichting (27) drukt 138.905, en zo tellen haar regels op; de balans drukt 138.906",
    ),
    ("groepsvermogen", 0): (
        60360,
        60361,
        "het groepsvermogen is het eigen vermogen van de vereniging: de enkelvoudige balans "
        "drukt 60.360 (2023: beide 56.301)",
    ),
    ("activa_in_uitvoering", 0): (
        502,
        501,
        "de enkelvoudige balans en toelichting (1) drukken 502; de dochters hebben geen activa "
        "in uitvoering",
    ),
    ("deelnemingen.vpb", 1): (
        -456,
        -455,
        "de geconsolideerde staat van baten en lasten drukt dezelfde vennootschapsbelasting 2023 "
        "van de fiscale eenheid als -456",
    ),
    ("deelnemingen.totaal", 1): (
        1363,
        1362,
        "het aandeel in het resultaat van de deelnemingen 2023 is in de enkelvoudige staat van "
        "baten en lasten en in het verloop van de deelneming 1.363",
    ),
    ("overige_effecten", 1): (
        63988,
        63986,
        "de geconsolideerde balans 2023 toont 63.986, de enkelvoudige balans en toelichting (2) "
        "63.987/63.988 voor dezelfde portefeuille; de dochters hebben geen effecten",
    ),
    ("liquide_middelen", 1): (
        63506,
        63508,
        "met de effecten op 63.988 sluit de balanstotaal 175.120 op liquide middelen 63.506",
    ),
    ("totaal_fva", 1): (64006, 64004, "volgt uit de effecten 2023"),
    ("totaal_vaste_activa", 1): (74309, 74307, "volgt uit de effecten 2023"),
    ("totaal_vlottende_activa", 1): (100811, 100813, "volgt uit de liquide middelen 2023"),
}

# The published kasstroomoverzicht 2024 (x € 1.000), as printed.
KASSTROOM_2024 = {
    "bedrijfsresultaat": -1135,
    "afschrijvingen": 1502,
    "voorzieningen": -608,
    "betaalde_interest": -21,
    "omrekenverschillen": 12,
    "investering": -1040,
    "netto_kasstroom": -12425,
    "mutatie_liquide": -12425,
}
# The 2023 column of the kasstroomoverzicht as printed: its parts do not add up to its
# netto kasstroom (4.902 - 5.468 + 0 = -566, printed -1.222).
KASSTROOM_2023_PRINTED = {
    "operationeel": 4902,
    "investering": -5468,
    "financiering": 0,
    "netto_kasstroom": -1222,
}
# Every line of the printed 2023 column (x € 1.000); None where it prints "-" or leaves
# the line blank.
KASSTROOM_2023 = {
    "bedrijfsresultaat": None,
    "afschrijvingen": 2094,
    "ohw": None,
    "vorderingen": 5706,
    "voorzieningen": -4,
    "kortlopende_schulden": -5760,
    "mutaties": 1438,  # the unlabelled subtotal of afschrijvingen and mutaties
    "bedrijfsoperaties": -656,
    "ontvangen_interest": 1979,
    "ontvangen_dividend": 614,
    "betaalde_interest": -336,
    "resultaat_effectentransacties": 3008,
    "koersresultaat_deelnemingen": 52,
    "omrekenverschillen": -7,
    "bijzondere_baten_lasten": 31,
    "voorgaande_jaren": 16,
    "vpb": -455,
    "operationeel": 4902,
    "imva": -44,
    "mva": -777,
    "fva": -4647,
    "investering": -5468,
    "financiering": None,
    "netto_kasstroom": -1222,
    "mutatie_liquide": -1222,
}
# The operational lines printed between "Kasstroom uit bedrijfsoperaties" and
# "Kasstroom uit operationele activiteiten" (2023).
KASSTROOM_2023_OPERATIONEEL_LINES = (
    "ontvangen_interest",
    "ontvangen_dividend",
    "betaalde_interest",
    "resultaat_effectentransacties",
    "koersresultaat_deelnemingen",
    "omrekenverschillen",
    "bijzondere_baten_lasten",
    "voorgaande_jaren",
    "vpb",
)
# Printed as "Betaalde/ontvangen vennootschapsbelasting" (2024, 2023): the charge of each
# year as the toelichting resultaat deelnemingen prints it (-682 and -455; the staat van
# baten en lasten prints the 2023 charge as -456), not what was paid.
KASSTROOM_VPB_PRINTED = (-682, -455)


# Financieel beleid, "Samenstelling resultaat beleggingsportefeuille" (x € 1.000)
BELEGGINGSRESULTAAT = {
    "coupon": 0,  # printed "-"
    "dividenden": 794,
    "rente": 0,  # printed "-"
    "netto_inkomsten": 794,
    "kosten": -127,
    "koersresultaat": 3788,
    "beleggingsresultaat": 4455,
}
# line -> (books, printed, why)
BELEGGINGSRESULTAAT_ERRATA = {
    "kosten": (
        -161,
        -127,
        "toelichting (22) drukt de opbrengst van effecten op -240; met het koersresultaat "
        "daarin (-451 - 444) zijn dividend en kosten samen 655, niet 794 - 127 = 667; de "
        "boeken: dividend 815 (794 na 21 dividendbelasting) en kosten -161",
    ),
    "beleggingsresultaat": (4421, 4455, "volgt uit de kosten: 794 - 161 + 3.788"),
}
# The text above the table, "Omvang van de beleggingsportefeuille" (x € 1.000): the
# growth of the portfolio with its rekening courant and its components, the costs
# ("beheerkosten") the remainder.
BELEGGINGEN_TEKST = {"toename": 4437, "koersresultaat": 3725, "dividenden": 794, "omzetting": 80}

# Niet in de balans opgenomen verplichtingen (enkelvoudig), per jaar (x € 1.000)
VERPLICHTINGEN = {"2025": 3122, "2026": 672, "2027": 264, "2028": 153, "Totaal": 4211}

# Vergelijking realisatie 2024 met begroting 2024 and with 2023: the differences the
# bestuursverslag and the toelichting print (in € miljoen, here x € 1.000)
VERSCHIL_BEGROTING = {
    "som_der_baten": 53965,
    "bedrijfsresultaat": 1665,
    "overige_personeelslasten": 3444,
    "kantoor_huisvesting": 2922,
    "activiteitslasten": 47382,
}
VERSCHIL_VORIG_JAAR = {
    "bijdrage_projecten": 12878,
    "resultaat_deelnemingen": 652,
    "financiele_baten_lasten": -4258,
    "onverdeeld_resultaat": -3784,
    "bedrijfsresultaat": 147,
}
VERSCHIL_ERRATA: dict[str, tuple[int, int, str]] = {}

# The deelnemingen against their own begroting 2024, as the bestuursverslag's paragraphs
# on them print it (in € miljoen, here x € 1.000; "ruim 8,6%" as the tenths it names).
# VNG Connect Holding B.V.: the result before tax, its deviation from the begroting,
# the brutomarge and its deviation, the bedrijfskosten realised and budgeted, and the
# deviation on the bedrijfs- en financieringskosten together.
BEGROTING_CONNECT = {
    "resultaat": 1518,
    "verschil_resultaat": 918,
    "brutomarge": 6703,
    "verschil_brutomarge": 534,
    "afwijking_brutomarge_tienden_procent": 86,
    "bedrijfskosten": 5226,
    "begroot_bedrijfskosten": 5585,
    "verschil_bedrijfskosten": 359,
    "verschil_bedrijfs_en_financieringskosten": 384,
}
# and against the year before: the brutomarge "27% hoger dan voorgaand boekjaar"
VORIG_JAAR_CONNECT = {"groei_brutomarge_procent": 27}
# VNG Risicobeheer B.V.: the table that explains the difference with the begroting, in
# euros as printed (a cost that is higher is negative), the realised result before tax
# (x € 1.000) and the budgeted one (x € 1.000).
BEGROTING_RISICOBEHEER_VERSCHILLEN = {
    "personeelskosten": -70177,
    "overige_bedrijfskosten": 802787,
    "opbrengsten": 71328,
    "financieel": -5331,
    "resultaat": 798607,
}
BEGROTING_RISICOBEHEER = {"resultaat": 716, "begroot_resultaat": -82}
# VNG International B.V.: the group's result after VpB (x € 1.000) and its rendement on
# eigen vermogen, this year and the year before (in tenths of a percent, as printed:
# 8,9% and 6,3%); the enkelvoudig result before tax above its begroting, the margin on
# the projects above its begroting and in all, the enkelvoudige omzet (x € 1.000) and
# the margin as a part of it (4,2%).
BEGROTING_INTERNATIONAL = {
    "resultaat_na_vpb": 413,
    "rendement_tienden_procent": 89,
    "rendement_vorig_jaar_tienden_procent": 63,
    "verschil_resultaat": 526,
    "verschil_projectmarge": 1700,
    "projectmarge": 1736,
    "omzet": 41194,
    "marge_tienden_procent": 42,
}
# VNG Realisatie B.V.: the result of 2024 and its two parts as the paragraph prints
# them (x € 1.000; the sign as printed: "negatief" negative).
BEGROTING_REALISATIE = {"resultaat": -126, "projecten": -170, "overige_bedrijfsopbrengsten": 44}
# (books, printed, why), x € 1.000
BEGROTING_REALISATIE_ERRATA = {
    "resultaat": (
        45,
        -126,
        "toelichting (23) drukt het resultaat voor belastingen 45 (2023: 57), de "
        "kerninformatie het aandeel na VpB 37; hun totalen 2.015 zijn het resultaat "
        "deelnemingen van de staat van baten en lasten",
    ),
    "projecten": (
        1,
        -170,
        "het resultaat 45 min de overige bedrijfsopbrengsten 44 zoals gedrukt; de "
        "gedrukte -170 telt met 44 op tot de gedrukte -126",
    ),
}
# (books, printed, why), x € 1.000
BEGROTING_RISICOBEHEER_ERRATA = {
    "begroot_resultaat": (
        -83,
        -82,
        "het resultaat 716 min het verschil 798.607 van de eigen tabel is -82.607, "
        "afgerond -83; de tekst drukt -82 (afgekapt)",
    ),
}
