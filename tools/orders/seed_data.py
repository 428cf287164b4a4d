"""Fixed demo data for the seed: catalogue, customers, places and carriers.

Plain constants only; `tools.orders.seed` draws from them with a fixed
random seed. Names are deliberately varied (Zoë, Siobhán, Łukasz, Ayşe) so the
assistant and the inbox are exercised with non-ASCII text.
"""

# (sku, name, unit price in pence)
CATALOGUE: tuple[tuple[str, str, int], ...] = (
    ("CLO-001", "Merino wool jumper", 6500),
    ("CLO-002", "Organic cotton T-shirt", 1800),
    ("CLO-003", "Slim-fit chinos", 4500),
    ("CLO-004", "Waxed cotton jacket", 14900),
    ("CLO-005", "Linen shirt", 3900),
    ("CLO-006", "Fleece-lined leggings", 2800),
    ("CLO-007", "Cashmere scarf", 5500),
    ("CLO-008", "Quilted gilet", 5900),
    ("CLO-009", "Breton striped top", 3200),
    ("CLO-010", "Wool beanie", 1600),
    ("CLO-011", "Denim jacket", 6900),
    ("SHO-001", "Trail running shoes", 8900),
    ("SHO-002", "Leather Chelsea boots", 11900),
    ("SHO-003", "Canvas trainers", 4200),
    ("SHO-004", "Waterproof walking boots", 12900),
    ("SHO-005", "Suede loafers", 7900),
    ("SHO-006", "Wool-lined slippers", 3500),
    ("SHO-007", "Running socks (3 pairs)", 1200),
    ("OUT-001", "Waterproof hiking jacket", 12000),
    ("OUT-002", "Two-person backpacking tent", 18900),
    ("OUT-003", "Three-season sleeping bag", 8900),
    ("OUT-004", "30 L daypack", 5400),
    ("OUT-005", "Insulated water bottle", 1800),
    ("OUT-006", "Trekking poles (pair)", 4900),
    ("OUT-007", "Rechargeable head torch", 2400),
    ("OUT-008", "Compact camping stove", 3900),
    ("OUT-009", "Merino base layer", 4400),
    ("OUT-010", "Packable down jacket", 9900),
    ("HOM-001", "Linen duvet cover (double)", 7500),
    ("HOM-002", "Egyptian cotton towel set", 4800),
    ("HOM-003", "Stoneware dinner set (12 pieces)", 8900),
    ("HOM-004", "Cast-iron casserole dish", 6900),
    ("HOM-005", "Scented soy candle", 1500),
    ("HOM-006", "Wool throw", 6200),
    ("HOM-007", "Bamboo bath mat", 2200),
    ("HOM-008", "Stoneware mug set", 2600),
    ("HOM-009", "Feather cushion", 2400),
    ("HOM-010", "Brass table lamp", 5600),
    ("HOM-011", "Linen napkins (set of 4)", 1900),
    ("HOM-012", "Oak chopping board", 3400),
)
PRODUCTS = {sku: (name, price) for sku, name, price in CATALOGUE}

# name, email domain, (line1, city, postcode) — the first seven own the demo orders
CUSTOMERS: tuple[tuple[str, str, tuple[str, str, str] | None], ...] = (
    ("Dana Whitfield", "example.com", ("Flat 3, 12 Buckingham Gate", "London", "SW1A 1AA")),
    ("Siobhán Gallagher", "example.com", ("27 Malone Road", "Belfast", "BT9 6AA")),
    ("Ciarán Doyle", "example.co.uk", ("4 Cathedral Road", "Cardiff", "CF10 3AT")),
    ("Zoë Harper", "example.com", ("81 Wilmslow Road", "Manchester", "M20 2RN")),
    ("Tomás Ferreira", "example.org", ("9 Royal York Crescent", "Bristol", "BS8 1TH")),
    ("Aisha Khan", "example.com", ("52 Headingley Lane", "Leeds", "LS6 2AB")),
    ("Gareth Price", "example.co.uk", ("16 Mumbles Road", "Swansea", "SA1 4PQ")),
    ("Niamh O'Connor", "example.com", None),
    ("Rhys Llewellyn", "example.co.uk", None),
    ("Priya Raman", "example.com", None),
    ("Oluwaseun Adeyemi", "example.org", None),
    ("Chloé Martin", "example.com", None),
    ("Łukasz Nowak", "example.com", None),
    ("Eilidh MacLeod", "example.co.uk", None),
    ("Mohammed Hussain", "example.com", None),
    ("Bethan Morgan", "example.com", None),
    ("Seán Murphy", "example.org", None),
    ("Amara Okafor", "example.com", None),
    ("Hannah Bright", "example.co.uk", None),
    ("Callum Fraser", "example.com", None),
    ("Renée Dubois", "example.com", None),
    ("Oliver Bennett", "example.co.uk", None),
    ("Freya Sinclair", "example.com", None),
    ("Joaquín Ruiz", "example.org", None),
    ("Imogen Hart", "example.com", None),
    ("Kwame Mensah", "example.com", None),
    ("Aoife Byrne", "example.co.uk", None),
    ("Harvey Collins", "example.com", None),
    ("Mei Chen", "example.com", None),
    ("Ffion Evans", "example.co.uk", None),
    ("Rajesh Patel", "example.com", None),
    ("Lily-Rose Turner", "example.com", None),
    ("Dafydd Hughes", "example.org", None),
    ("Ayşe Yılmaz", "example.com", None),
    ("George Whitaker", "example.co.uk", None),
    ("Saoirse Kelly", "example.com", None),
    ("Ethan Clarke", "example.com", None),
    ("Nadia Rahman", "example.co.uk", None),
    ("Isla Robertson", "example.com", None),
    ("Björn Lindqvist", "example.org", None),
)

# city -> outward codes; inward codes are generated
CITIES = (
    ("London", ("N1", "E8", "SE15", "SW11", "W4", "NW3")),
    ("Manchester", ("M1", "M14", "M21")),
    ("Birmingham", ("B13", "B17", "B29")),
    ("Leeds", ("LS1", "LS7", "LS17")),
    ("Glasgow", ("G12", "G41")),
    ("Edinburgh", ("EH3", "EH9", "EH10")),
    ("Cardiff", ("CF5", "CF11", "CF23")),
    ("Bristol", ("BS3", "BS6", "BS7")),
    ("Belfast", ("BT7", "BT15")),
    ("Norwich", ("NR2", "NR4")),
    ("York", ("YO10", "YO31")),
    ("Brighton", ("BN1", "BN2")),
)
STREETS = (
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Mill Lane",
    "Park Avenue",
    "Queen's Road",
    "The Crescent",
    "Albert Street",
    "Greenway Close",
    "Orchard Way",
    "Windsor Terrace",
    "Kingsway",
    "Meadow View",
    "Castle Street",
)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

CARRIERS = ("DPD", "Royal Mail", "Evri")
CARRIER_WEIGHTS = (5, 3, 3)
TRACKING_URLS = {
    "DPD": "https://track.dpd.co.uk/parcels/{}",
    "Royal Mail": "https://www.royalmail.com/track-your-item#/tracking-results/{}",
    "Evri": "https://www.evri.com/track/parcel/{}",
}
HUBS = {
    "DPD": ("Hinckley", "Birmingham", "Leeds", "Bristol"),
    "Royal Mail": (
        "Warrington Mail Centre",
        "Princess Royal Distribution Centre",
        "Glasgow Mail Centre",
    ),
    "Evri": ("Rugby", "Barnsley", "Crick"),
}
DELAY_EVENTS = (
    "Delayed: parcel missed its planned trailer",
    "Delayed: severe weather in the area",
    "Delayed: address could not be found, awaiting instructions",
    "Delayed: parcel held at depot",
)
