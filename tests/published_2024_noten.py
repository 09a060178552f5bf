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

# The honoraria of the external accountant with note (32), (2024, 2023), as printed.
ACCOUNTANTSHONORARIA: dict[str, Printed] = {
    "onderzoek_jaarrekening": (278, 208),
    "andere_controle": (204, 196),
    "fiscaal_en_niet_controle": (91, 192),
    "totaal": (573, 596),
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
    ("voorzieningen", "dotatie", 0): "the dotaties of the books",
    ("voorzieningen", "dotatie", 1): "the dotaties of the books",
    ("voorzieningen", "onttrekking", 0): (
        "the onttrekkingen the Vereniging and VNG Realisatie book (991); the rest of the "
        "printed split of the movements is not in the books"
    ),
    ("voorzieningen", "onttrekking", 1): (
        "the onttrekkingen the Vereniging and VNG Realisatie book (563, with the 295 that "
        "VNG Realisatie spends of its opening voorziening); the rest of the printed split "
        "of the movements is not in the books"
    ),
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


# Fonds GGU 2024 (note 15), as printed: (row label, begroot, realisatie); a theme first,
# then its activities; "-" and an empty begroting as None.
FONDS_GGU_2024: tuple[tuple[str, int | None, int | None], ...] = (
    ("1.3 Kennis en leren", 1623, 1515),
    ("547 VNG Academie", 1623, 1239),
    ("798 Kennishub", None, 276),
    ("2.1 Bestaanszekerheid", 6428, 5839),
    (
        "180 Ketenbureau i-Sociaal Domein basistaak bedrijfsvoering en exploiteren "
        "digitale infrastructuur",
        1431,
        1398,
    ),
    (
        "395 Vraagorganisatie en ketenregie op de domeinen Werk Inkomen Schulden en Inburgering",
        1115,
        1040,
    ),
    ("467 Doorontwikkeling en Programmaregie Werk & Inkomen en Inburgering", 760, 679),
    ("478 Naleving: Multidisciplinaire aanpak rechtmatigheid sociale zekerheid", 2521, 2216),
    ("516 Opgave WISI informatievoorziening gemeenten", 182, 86),
    ("591 Omkeringsthema bestaanszekerheid: inwonergerichte dienstverlening", 239, 234),
    ("624 Opgave WISI", 180, 186),
    ("2.1 Gemeentelijk gegevens knooppunt GGk", 6166, 6152),
    ("322 Gemeentelijk gegevens knooppunt GGk", 6166, 6152),
    ("2.1 Opgavemanagement inclusieve samenleving", 254, 123),
    ("592 Opgavemanagement inclusieve samenleving", 254, 123),
    ("2.2 Jeugd en kansengelijkheid.", 2406, 2115),
    ("391 Landelijke inkoop zorgcontracten", 697, 640),
    ("392 Kennisborging Sociaal Domein en jeugdbeschermingsketen", 219, 135),
    ("394 Naleving: Kwaliteit kinderopvang", 555, 557),
    ("534 Hervormingsagenda Jeugd", 292, 300),
    ("572 Omkeringsthema kansengelijkheid", 300, 303),
    ("628 CIO functie Governance en financiering", 343, 180),
    ("2.2 Zorg en veiligheid", 555, 550),
    ("398 Programma Zorg en veiligheid", 340, 260),
    ("494 Ketenverplichtingen sociaal domein", 215, 290),
    ("2.3 Gezond samenleven", 3543, 3698),
    ("266 Gemeentezorgspiegel", 492, 495),
    ("374 Digitaal dossier jeugdgezondheidszorg", 295, 386),
    ("402 Versterken informatiepositie publieke gezondheid", 585, 475),
    ("514 Naleving: Kwaliteit en rechtmatigheid zorg", 1261, 1457),
    ("535 Gezond en Actief Leven- IZA/GALA", 910, 885),
    ("2.5 Platform Sociaal Domein", 1369, 1311),
    ("498 Platform Sociaal Domein", 1369, 1311),
    ("3.1 Fysieke leefomgeving", 4296, 3938),
    ("372 Digitale infrastructuur & 5G", 141, 82),
    ("526 Bouwen en Wonen & Programma Woningbouw (min. VRO)", 461, 494),
    ("527 Ruimte, Water en Klimaatadaptatie - Ruimtelijke puzzel en WBS", 736, 667),
    ("528 Landelijk Gebied en Natuurbeleid", 792, 654),
    ("529 Gezonde Leefomgeving - Milieu en Nationaal Prog. Circulaire Economie", 325, 359),
    ("530 Mobiliteit en Bereikbaarheid", 215, 250),
    ("532 Gezonde Leefomgeving - Vergunningen, Toezicht en Handhaving (i.r.t. OW/DSO)", 333, 316),
    ("533 Regionale Economie en versterking economische activiteiten", 573, 400),
    ("539 Verkenning Informatievoorziening Fysiek Domein VIFD", 253, 237),
    ("570 Integrale aanpak Fysieke leefomgeving", 467, 479),
    ("3.2 Omgevingswet", 6036, 5696),
    ("297 Ondersteuning werkende ketens", 870, 560),
    ("377 Regie en demandorganisatie Omgevingswet", 1473, 1492),
    ("463 Structurele ondersteuning Omgevingswet", 1964, 1996),
    ("548 Ondersteuning en nazorg Omgevingswet", 1729, 1648),
    ("3.3 Energie en klimaat", 3944, 3735),
    ("270 Datavoorziening Energietransitie Gebouwde Omgeving (DEGO)", 335, 231),
    ("403 Verduurzamingsopgaven Gebouwde Omgeving", 1203, 979),
    ("404 Klimaatopgaven sector Elektriciteit & Infra", 1147, 1092),
    ("405 Verduurzaming van de Mobiliteitssector", 493, 391),
    ("406 Ondersteuning uitvoering Klimaat en Industrie", 153, 12),
    ("560 Uitvoeringsondersteuning klimaatakkoord", 613, 1029),
    ("4.1 Vitale lokale democratie", 175, 328),
    ("409 Capabele gemeenteraden (raad op zaterdag)", 39, 41),
    ("517 Regionale Samenwerking: op weg naar VNG van de regio’s (2030)", 53, 207),
    ("590 Quickscan lokale democratie", 83, 80),
    ("4.2 De veilige gemeente", 243, 204),
    ("328 Datavoorziening Onregelmatigheden Op de Kaart (DOOK)", 243, 204),
    ("4.4 Gemeentefinanciën", 1176, 1253),
    ("312 WOZ-datacenter", 1176, 1253),
    ("4.5 Werkgeversfunctie", 542, 436),
    ("551 Arbeidsmarktkrapte aanpak gemeenten", 542, 436),
    ("5.1 Agenda digitale veiligheid", 5565, 5596),
    ("144 ENSIA", 832, 742),
    ("175 Informatiebeveiligingsdienst (IBD) Privacy (AVG)", 410, 409),
    (
        "327 Informatiebeveiligingsdienst Advies en Computer Emergency Response Team CERT",
        2567,
        2597,
    ),
    ("440 MM-VO Bestuurlijke convenant digitale veiligheid", 447, 352),
    ("442 MM-VO Digitaal weerbare inwoners en ondernemers", 191, 149),
    ("482 MM-VO Voorbereiding digitale ontwrichting", 191, 237),
    ("525 MM-VO Agenda digitale veiligheid", 927, 1110),
    ("5.2 Agenda digitale grondrechten en ethiek", 288, 261),
    ("472 Uitvoeringsagenda Digitale Grondrechten en Ethiek", 67, 216),
    ("488 AI en algoritmen in de praktijk", 221, 45),
    ("5.3 Interbestuurlijke datastrategie", 2060, 2019),
    ("107 Waarstaatjegemeente.nl", 505, 564),
    ("162 Gemeentelijke Monitor Sociaal Domein (GMSD)", 342, 359),
    ("179 Kennisnetwerk Data en Samenleving", 229, 254),
    ("265 Wmo voorspelmodel", 132, 115),
    ("271 Lokale monitor wonen", 77, 50),
    ("577 Informatiepositie versterken (VIP)", 717, 645),
    ("581 DIWI (Datavoorziening Interne Woningbouw Informatie)", 58, 32),
    ("5.4 Anticiperen op (inzet van) nieuwe technologie", 615, 878),
    ("301 Digital Twin", 80, 202),
    ("303 Dutch societal innovation hub", 155, 411),
    ("473 N&D-A Trendrapport Informatiesamenleving", 89, 88),
    ("499 Kenniscentrum Innovatie", 291, 177),
    ("5.4 Trends en innovatie", 61, None),
    ("620 Funding Lane / subsidies informatiesamenleving", 61, None),
    ("6.1 Inclusieve dienstverlening", 875, 788),
    ("176 GemeenteDelers", 209, 344),
    ("357 Expertisecentrum - Kenniscentrum Dienstverlening", 261, 160),
    ("608 Regie Dienstverlening", 405, 284),
    ("6.2 Digitale overheid", 8284, 7641),
    ("104 Haven", 336, 380),
    ("105 Federatieve Service Connectiviteit (FSC) en NLX", 594, 480),
    ("106 Common Ground etalage", 155, 1),
    ("149 Gemeentelijke Model Architectuur", 556, 586),
    ("150 GEMMA Softwarecatalogus", 157, 165),
    ("224 Single Digital Gateway - Annex I (beheerfase)", 130, 131),
    ("264 GIBIT: Gemeentelijke Inkoop Bij IT Toolbox", 199, 196),
    ("300 Regie Geo-informatie", 909, 777),
    ("305 Haal Centraal", 496, 182),
    ("333 Begeleiden proces standaardverklaring", 155, 175),
    ("360 Digitale Identiteit en Toegang", 383, 223),
    ("433 Digitale interactie met de overheid (GDI)", 125, 168),
    ("453 Kenniscentrum Markt en Overheid", 459, 446),
    ("475 Wijziging van de basisregistratie WOZ (informatiemodel)", 106, 89),
    ("495 GROEI: Gemeentelijke Realisatie en Opschaling van Experimenten en Innovatie", 315, 218),
    ("497 CIO - functie", 632, 632),
    ("515 Secretariaat SVB-BGT", 20, 20),
    ("550 Transitieprogramma Common Ground", 647, 861),
    ("576 Meerjarige aanpak Digital Decade", None, 328),
    ("603 Regie Federatief Datastelsel (FDS)", 328, 238),
    ("604 Ontwikkeling API-fundament", 408, 186),
    ("605 Beheer StUF standaarden", 143, 58),
    ("607 Regie Burgerzaken", 97, 217),
    ("613 Regie op gegevensuitwisseling (nieuwe stijl)", 144, 132),
    ("626 Kenniscentrum Architectuur", 219, 445),
    ("627 Doorontwikkeling API-standaarden", 571, 307),
    ("6.3 Open overheid en archieven", 307, 411),
    ("262 Grip op informatie", 208, 169),
    ("506 Selectielijsten archiefbescheiden", 67, 66),
    ("610 Regie op Open overheid en archieven", 32, 176),
    ("6.4 Uitvoerbaarheid en uitvoeringskracht", 1236, 1301),
    ("237 Kenniscentrum Analyse", 923, 1022),
    ("524 Focus op uitvoering", 313, 279),
    ("6.5 Collectieve inkoopkracht, beleid, uitvoering en beheer", 4907, 4702),
    ("125 14+netnummers", 527, 469),
    ("131 GGI Netwerk & GGI Cloud", 1151, 1123),
    ("132 GGI Veilig (M&R, Cyberweerbaarheid)", 861, 837),
    ("154 GT Microsoft", 218, 134),
    ("274 Beheer quickscan lokale democratie", 303, 285),
    ("500 Kenniscentrum gezamenlijk inkopen en aanbesteden", 618, 693),
    ("522 Servicecentrum gemeenten", 929, 962),
    ("554 Inkoop en Aanbesteden Organiseren governance, MVOI in uitvoering", 237, 198),
    ("582 SDG contractbeheer", 63, 1),
    ("8.1 Communicatie", 1222, 1157),
    ("510 VNGR Communicatie", 1222, 1157),
    ("8.2 Bedrijfsvoering", 6688, 7256),
    ("496 Planning & control cyclus VNG", 811, 607),
    ("511 VNGR bedrijfsvoering", 5045, 5857),
    ("520 Bestuursondersteuning extern", 497, 428),
    ("521 Portfoliomanagement", 335, 364),
    ("Voorgaande jaren", None, -98),
    ("Totaal", 70864, 68805),
)

# The theme whose printed activities add to one less than its printed total: the
# activities are printed rounded, the total from the unrounded amounts.
GGU_THEMA_AFGEROND = {"3.3 Energie en klimaat": (3734, 3735)}

# Materiële vaste activa (24), as printed: row -> (bedrijfsgebouwen, activa in uitvoering,
# machines en installaties, andere vaste bedrijfsmiddelen, totaal 2024)
MVA: dict[str, tuple[int | None, ...]] = {
    "aanschafwaarde_begin": (24878, 361, 6319, 6415, 37973),
    "afschrijvingen_begin": (-17073, None, -5547, -5125, -27745),
    "boekwaarde_begin": (7805, 361, 772, 1290, 10228),
    "investeringen": (378, 501, 125, 466, 1470),
    "desinvesteringen_aanschafwaarde": (-19, None, -363, -1083, -1465),
    "desinvesteringen_afschrijvingen": (19, None, 358, 1083, 1460),
    "herrubriceringen_aanschafwaarde": (None, -361, None, -2, -363),
    "herrubriceringen_afschrijvingen": (None, None, None, None, None),
    "afschrijvingen": (-925, None, -170, -416, -1511),
    "totaal_mutaties": (-547, 140, -50, 49, -409),
    "aanschafwaarde_eind": (25237, 501, 6081, 5796, 37615),
    "afschrijvingen_eind": (-17979, None, -5359, -4458, -27796),
    "boekwaarde_eind": (7258, 501, 722, 1338, 9819),
}

# Every figure comes from the books. The group's desinvesteringen of machines en
# installaties print 363 and 358 where the Vereniging's toelichting (1) prints 363 and
# 357: beside the Vereniging's 363.000,37 and 357.245,37, CSC disposes of a fully
# depreciated machine (280,00), giving 363.280,37 and 357.525,37.

# (row, column) -> (the figure the books follow, printed, why)
_IN_UITVOERING = "only the Vereniging holds activa in uitvoering; its balans and note (1) print 502"
_STAAT = (
    "the geconsolideerde staat van baten en lasten has afschrijvingen MVA of 1.487: beside "
    "the Vereniging's 1.468 (toelichting (1)) that leaves the dochters 19, of which the "
    "gebouwen show 5 (925 - 920) and the machines none; the andere vaste bedrijfsmiddelen "
    "get 14 (379 + 14), where the note's columns give the dochters 42 (5 + 416 - 379)"
)
_ANDERE = "follows from the andere vaste bedrijfsmiddelen"
MVA_ERRATA: dict[tuple[str, int], tuple[int, int, str]] = {
    ("investeringen", 1): (502, 501, _IN_UITVOERING),
    ("aanschafwaarde_eind", 1): (502, 501, _IN_UITVOERING),
    ("boekwaarde_eind", 1): (502, 501, _IN_UITVOERING),
    ("boekwaarde_begin", 3): (
        1288,
        1290,
        "the geconsolideerde balans 2023 shows andere vaste bedrijfsmiddelen at 1.288",
    ),
    ("boekwaarde_begin", 4): (
        10226,
        10228,
        "the geconsolideerde balans 2023 shows the materiële vaste activa at 10.226",
    ),
    ("afschrijvingen", 3): (-393, -416, _STAAT),
    ("afschrijvingen", 4): (
        -1487,
        -1511,
        "the geconsolideerde staat van baten en lasten shows afschrijvingen MVA of 1.487",
    ),
    ("investeringen", 3): (
        444,
        466,
        "with the afschrijvingen of the staat van baten en lasten (393) the column moves by "
        "its printed 49 (the balans: 1.288 to 1.338) only with investeringen of 444 "
        "(49 + 2 + 393, the desinvesteringen netting to nil)",
    ),
    ("investeringen", 4): (1449, 1470, _ANDERE + " (378 + 502 + 125 + 444)"),
    ("aanschafwaarde_begin", 3): (
        6437,
        6415,
        "the aanschafwaarde at 31 December as printed (5.796) less the year's movements: "
        "5.796 - 444 + 1.083 + 2",
    ),
    ("afschrijvingen_begin", 3): (
        -5148,
        -5125,
        "the afschrijvingen at 31 December as printed (-4.458) less the year's movements: "
        "-4.458 - 1.083 + 393; 6.437 - 5.148 is the balans's 1.288 within the rounding, "
        "the note's 6.415 - 5.125 is 1.290",
    ),
    ("aanschafwaarde_begin", 4): (37995, 37973, _ANDERE),
    ("afschrijvingen_begin", 4): (-27768, -27745, _ANDERE),
    ("totaal_mutaties", 4): (
        -407,
        -409,
        "the geconsolideerde balans moves from 10.226 to 9.819; -409 follows the note's "
        "1 januari of 10.228",
    ),
}
