"""The field-kind registry: what a field *means* (a person's name, a latitude, a price) and how to sample it.

``kind_for(name, schema, parent, siblings)`` reads a field's name (snake, camel or kebab case), title, format,
parent object and sibling names and returns a ``FieldKind``, or None when nothing fits. Rules come first
(``RULES``: word phrases -> kind, longest phrase at the end of the name wins); the parent decides generic words
(``pet.name`` is a pet's name, ``person.name`` a person's); ``similar_kind`` (MiniLM) is the fallback for the rest.
``x-kind`` in a schema names a kind outright. Kinds cover strings (Faker providers or small vocabularies), numbers
with realistic ranges when the schema leaves them open, and free text (which the language model writes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

Sampler = Callable[[Any, Any], Any]  # (rng: numpy Generator, fake: Faker) -> value
THIS_YEAR = 2025  # fixed, so a seed gives the same data every year


@dataclass(frozen=True)
class FieldKind:
    """One meaning a field can have and how its values are made.

    ``types`` are the JSON types it can produce; strings come from ``faker`` (a Faker method) or ``pick`` (a
    vocabulary) or ``make``; numbers from ``low``..``high`` with ``decimals`` (``lognormal`` around ``median``).
    ``text`` kinds are free text the language model writes; ``unique`` kinds are ids.
    """

    name: str
    types: frozenset[str] = frozenset({"string"})
    faker: str | None = None
    pick: tuple[str, ...] = ()
    make: Sampler | None = None
    low: float | None = None
    high: float | None = None
    decimals: int = 0
    median: float | None = None
    text: bool = False
    unique: bool = False
    format: str | None = None
    words: str = ""

    @property
    def generator(self) -> str:
        """How the values are made, for the report ('faker.email', 'pick(12)', 'range 0..100')."""
        if self.text:
            return "llm (free text)"
        if self.faker:
            return f"faker.{self.faker}"
        if self.pick:
            return f"pick({len(self.pick)})"
        if self.low is not None:
            shape = f"lognormal~{self.median:g}" if self.median else "uniform"
            return f"range {self.low:g}..{self.high:g} {shape}"
        return "sampler" if self.make else "default"

    def sample_string(self, rng: Any, fake: Any) -> str | None:
        """A string value, or None when this kind does not make strings."""
        if self.pick:
            return self.pick[int(rng.integers(len(self.pick)))]
        if self.make is not None:
            return str(self.make(rng, fake))
        if self.faker:
            value = getattr(fake, self.faker)()
            return str(value).replace("\n", ", ")
        return None

    def sample_number(self, rng: Any, low: float, high: float) -> float:
        """A number in ``low..high`` shaped by this kind (lognormal around its median, else uniform)."""
        if self.make is not None:
            value = float(self.make(rng, None))
            if low <= value <= high:
                return value
        if self.median and low < self.median < high:
            for _ in range(8):
                value = float(rng.lognormal(_log(self.median), 0.6))
                if low <= value <= high:
                    return value
        return float(rng.uniform(low, high))


def _log(value: float) -> float:
    import math

    return math.log(value)


NUMBER = frozenset({"number", "integer"})
INTEGER = frozenset({"integer", "number"})
KINDS: dict[str, FieldKind] = {}


def register(kind: FieldKind, *phrases: str) -> FieldKind:
    """Add ``kind`` to the registry, matched by the word ``phrases`` ('first name', 'given name' ...)."""
    KINDS[kind.name] = kind
    for phrase in phrases:
        RULES[tuple(phrase.split())] = kind.name
    return kind


RULES: dict[tuple[str, ...], str] = {}


def _digits(pattern: str) -> Sampler:
    """A sampler filling ``#`` with digits and ``?`` with capital letters."""

    def make(rng: Any, fake: Any) -> str:
        out = []
        for char in pattern:
            if char == "#":
                out.append(str(int(rng.integers(10))))
            elif char == "?":
                out.append(chr(65 + int(rng.integers(26))))
            else:
                out.append(char)
        return "".join(out)

    return make


def _title(rng: Any, fake: Any) -> str:
    return " ".join(w.capitalize() for w in fake.words(int(rng.integers(2, 5))))


def _product(rng: Any, fake: Any) -> str:
    return (
        f"{PRODUCT_ADJECTIVES[int(rng.integers(len(PRODUCT_ADJECTIVES)))]} {fake.word().capitalize()} "
        f"{PRODUCT_NOUNS[int(rng.integers(len(PRODUCT_NOUNS)))]}"
    )


def _semver(rng: Any, fake: Any) -> str:
    return f"{int(rng.integers(0, 5))}.{int(rng.integers(0, 20))}.{int(rng.integers(0, 30))}"


def _slug(rng: Any, fake: Any) -> str:
    return "-".join(fake.words(int(rng.integers(1, 4))))


def _tag(rng: Any, fake: Any) -> str:
    return str(fake.word())


def _flight(rng: Any, fake: Any) -> str:
    airline = AIRLINES[int(rng.integers(len(AIRLINES)))]
    return f"{airline}{int(rng.integers(10, 9999))}"


def _course_code(rng: Any, fake: Any) -> str:
    return f"{SUBJECT_CODES[int(rng.integers(len(SUBJECT_CODES)))]}{int(rng.integers(100, 500))}"


def _range_text(rng: Any, fake: Any) -> str:
    low = round(float(rng.uniform(0.5, 50)), 1)
    return f"{low}-{round(low * float(rng.uniform(1.5, 3)), 1)}"


def _path(rng: Any, fake: Any) -> str:
    return "/" + "/".join(fake.words(int(rng.integers(1, 4))))


PRODUCT_ADJECTIVES = ("Classic", "Ultra", "Compact", "Premium", "Eco", "Smart", "Pro", "Lite", "Deluxe", "Wireless")
PRODUCT_NOUNS = (
    "Lamp",
    "Backpack",
    "Headphones",
    "Kettle",
    "Chair",
    "Jacket",
    "Watch",
    "Speaker",
    "Mug",
    "Helmet",
    "Blender",
    "Notebook",
    "Sneakers",
    "Desk",
    "Camera",
)
PET_NAMES = (
    "Bella",
    "Max",
    "Luna",
    "Charlie",
    "Lucy",
    "Cooper",
    "Daisy",
    "Milo",
    "Bailey",
    "Rocky",
    "Coco",
    "Oliver",
    "Zoe",
    "Buddy",
    "Nala",
    "Simba",
    "Loki",
    "Pepper",
    "Ginger",
    "Shadow",
    "Oreo",
    "Biscuit",
    "Mochi",
    "Ziggy",
)
AIRLINES = ("AA", "BA", "LH", "AF", "KL", "UA", "DL", "EK", "QR", "IB", "AZ", "LX", "OS", "SK", "TK", "NH")
AIRPORTS = (
    "JFK",
    "LAX",
    "ORD",
    "LHR",
    "CDG",
    "FRA",
    "AMS",
    "MAD",
    "FCO",
    "DXB",
    "HND",
    "SIN",
    "SFO",
    "SEA",
    "MUC",
    "ZRH",
    "VIE",
    "CPH",
    "DUB",
    "BCN",
    "LIS",
    "IST",
    "YYZ",
    "SYD",
    "BOS",
    "ATL",
    "DFW",
    "MIA",
)
SUBJECT_CODES = ("CS", "MATH", "PHYS", "CHEM", "BIO", "ECON", "HIST", "ENG", "PSY", "STAT", "PHIL", "ART")
DEPARTMENTS = (
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "Human Resources",
    "Operations",
    "Customer Support",
    "Legal",
    "Product",
    "Research",
    "IT",
    "Logistics",
)
STATUSES = ("active", "pending", "completed", "cancelled", "on hold")
TICKERS = (
    "AAPL",
    "MSFT",
    "GOOGL",
    "AMZN",
    "NVDA",
    "META",
    "TSLA",
    "JPM",
    "V",
    "JNJ",
    "WMT",
    "PG",
    "XOM",
    "KO",
    "PEP",
    "NFLX",
    "INTC",
    "AMD",
    "IBM",
    "ORCL",
    "SAP",
    "ASML",
    "NVO",
    "TM",
)
CARRIERS = ("UPS", "FedEx", "DHL", "USPS", "DPD", "GLS", "Royal Mail", "La Poste", "PostNL", "Hermes")
UNITS = ("mg/dL", "mmol/L", "g/L", "U/L", "%", "mL", "kg", "cm", "bpm", "mmHg", "IU/mL", "ng/mL")
COLORS = ("red", "blue", "green", "black", "white", "yellow", "orange", "purple", "grey", "silver", "navy", "beige")
SIZES = ("XS", "S", "M", "L", "XL", "XXL")
TRACKS = ("Data", "Security", "Web", "Cloud", "AI", "DevOps", "Mobile", "Design", "Leadership")
ROOM_TYPES = ("single", "double", "twin", "suite", "deluxe", "family")
SEAT_CLASSES = ("economy", "premium economy", "business", "first")
HTTP_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
PLANS = ("basic", "standard", "premium", "family", "student")
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK", "NOK", "PLN")
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "ja", "zh", "pl", "sv")
SIDES = ("buy", "sell")
GENDERS = ("female", "male", "non-binary")
CATEGORIES = ("electronics", "home", "garden", "sports", "toys", "books", "clothing", "beauty", "grocery", "office")
METHODS_OF_PAYMENT = ("credit card", "debit card", "paypal", "bank transfer", "cash", "apple pay")
HTTP_STATUS_CODES = (200, 200, 200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 404, 429, 500, 502, 503)
SIMILARITY_FLOOR = 0.72


def _kinds() -> None:
    reg = register
    # People and contact details
    reg(
        FieldKind("person_name", faker="person_name"),
        "full name",
        "person name",
        "customer",
        "passenger",
        "guest",
        "borrower",
        "patron",
        "member name",
        "student",
        "learner",
        "speaker",
        "instructor",
        "teacher",
        "professor",
        "reviewer",
        "author",
        "agent",
        "driver",
        "owner",
        "contact name",
        "display name",
        "assignee",
        "attendee",
        "participant",
        "employee name",
        "doctor",
        "physician",
        "player",
        "artist",
        "officer",
        "rider",
        "pilot",
        "nurse",
        "coach",
        "judge",
        "tenant",
        "landlord",
        "seller",
        "buyer",
        "sender",
        "recipient",
        "manager",
        "winner",
        "organizer",
        "volunteer",
        "trainer",
        "therapist",
        "lawyer",
        "client",
        "caller",
        "requester",
        "approver",
        "supervisor",
        "interviewer",
        "candidate",
        "applicant",
        "employee",
    )
    reg(FieldKind("first_name", faker="first_name"), "first name", "given name", "firstname", "forename", "fname")
    reg(FieldKind("last_name", faker="last_name"), "last name", "surname", "family name", "lastname", "lname")
    reg(FieldKind("email", faker="email", format="email", unique=True), "email", "e mail", "mail", "email address")
    reg(FieldKind("phone", faker="phone_number"), "phone", "telephone", "mobile", "phone number", "tel", "fax", "cell")
    reg(FieldKind("user_name", faker="user_name", unique=True), "username", "user name", "login", "handle", "screen name", "nickname")
    reg(FieldKind("password", faker="password"), "password", "passwd", "secret")
    reg(FieldKind("job", faker="job"), "job", "job title", "occupation", "profession", "position", "role title")
    reg(
        FieldKind("company", faker="company"),
        "company",
        "employer",
        "organization",
        "organisation",
        "company name",
        "vendor",
        "supplier",
        "brand",
        "manufacturer",
        "publisher",
        "business name",
        "firm",
    )
    reg(FieldKind("department", pick=DEPARTMENTS), "department", "dept", "division", "team")
    reg(FieldKind("gender", pick=GENDERS), "gender", "sex")
    # Places
    reg(
        FieldKind("street_address", faker="street_address"),
        "street",
        "street address",
        "address line",
        "address1",
        "address 1",
        "line1",
        "street name",
    )
    reg(
        FieldKind("address", faker="address"),
        "address",
        "full address",
        "mailing address",
        "location address",
        "billing address",
        "shipping address",
        "home address",
    )
    reg(FieldKind("city", faker="city"), "city", "town", "ville", "municipality", "locality", "city name")
    reg(FieldKind("state", faker="state"), "state", "province", "region", "county")
    reg(FieldKind("country", faker="country"), "country", "nation", "country name")
    reg(FieldKind("country_code", faker="country_code"), "country code", "iso country")
    reg(FieldKind("postcode", faker="postcode"), "postcode", "postal code", "zip", "zip code", "zipcode", "postal", "post code", "plz")
    reg(
        FieldKind("location", faker="city"),
        "location",
        "place",
        "venue",
        "pickup location",
        "dropoff location",
        "origin",
        "destination",
        "pickup",
        "dropoff",
        "from city",
        "to city",
    )
    reg(
        FieldKind("airport", pick=AIRPORTS),
        "airport",
        "departure airport",
        "arrival airport",
        "iata",
        "departure",
        "arrival",
        "airport code",
    )
    reg(FieldKind("latitude", NUMBER, low=-90, high=90, decimals=6), "latitude", "lat")
    reg(FieldKind("longitude", NUMBER, low=-180, high=180, decimals=6), "longitude", "lng", "lon", "long")
    # Web and computers
    reg(FieldKind("url", faker="url", format="uri"), "url", "uri", "website", "homepage", "link", "href", "web site", "site", "endpoint")
    reg(
        FieldKind("image_url", faker="image_url", format="uri"),
        "image",
        "photo",
        "picture",
        "avatar",
        "thumbnail",
        "image url",
        "photo url",
        "photo urls",
        "logo",
        "icon url",
    )
    reg(FieldKind("domain", faker="domain_name", format="hostname"), "domain", "hostname", "host", "domain name")
    reg(FieldKind("ipv4", faker="ipv4", format="ipv4"), "ip", "ip address", "ipv4", "client ip", "remote addr")
    reg(FieldKind("ipv6", faker="ipv6", format="ipv6"), "ipv6")
    reg(FieldKind("mac_address", faker="mac_address"), "mac", "mac address")
    reg(FieldKind("user_agent", faker="user_agent"), "user agent", "useragent", "browser")
    reg(FieldKind("http_method", pick=HTTP_METHODS), "http method", "method", "verb", "request method")
    reg(FieldKind("url_path", make=_path), "path", "route", "request path", "uri path", "url path")
    reg(
        FieldKind("file_path", faker="file_path"),
        "file path",
        "filepath",
        "dir",
        "directory",
        "folder",
        "file",
        "filename",
        "file name",
        "output dir",
        "cache dir",
        "root dir",
    )
    reg(FieldKind("mime_type", faker="mime_type"), "mime type", "content type", "mimetype", "media type")
    reg(FieldKind("version", make=_semver), "version", "semver", "release")
    reg(FieldKind("slug", make=_slug), "slug", "package name", "project name", "plugin name", "module name", "identifier name", "key name")
    reg(FieldKind("color", pick=COLORS), "color", "colour")
    reg(FieldKind("hex_color", faker="hex_color"), "hex color", "hex colour", "color hex")
    reg(FieldKind("language", pick=LANGUAGES), "language", "lang", "locale", "language code")
    reg(FieldKind("timezone", faker="timezone"), "timezone", "time zone", "tz")
    reg(FieldKind("currency", pick=CURRENCIES), "currency", "currency code")
    # Identifiers
    reg(
        FieldKind("id", unique=True, make=_digits("########")), "id", "identifier", "uid", "key", "ref", "reference", "number id", "code id"
    )
    reg(FieldKind("isbn", faker="isbn13"), "isbn", "isbn13", "isbn 13")
    reg(FieldKind("iban", faker="iban"), "iban", "account iban", "bank account")
    reg(FieldKind("credit_card", faker="test_card_number"), "card number", "credit card", "card", "cc number")
    reg(FieldKind("license_plate", faker="license_plate"), "license plate", "plate", "registration plate")
    reg(
        FieldKind("tracking_number", make=_digits("1Z###?##########"), unique=True),
        "tracking number",
        "tracking",
        "tracking code",
        "tracking id",
    )
    reg(
        FieldKind("policy_number", make=_digits("POL-#######"), unique=True),
        "policy number",
        "policy",
        "policy id",
        "claim number",
        "invoice number",
        "order number",
        "confirmation number",
        "booking reference",
    )
    reg(FieldKind("flight_number", make=_flight), "flight", "flight number", "flight no", "flight code")
    reg(FieldKind("sku", make=_digits("SKU-??-####")), "sku", "product code", "item code", "barcode")
    reg(FieldKind("tax_id", make=_digits("##-#######")), "tax id", "tax number", "ssn", "vat", "vat number", "ein", "tin")
    reg(FieldKind("course_code", make=_course_code), "course code", "course number", "class code")
    reg(FieldKind("ticker", pick=TICKERS), "ticker", "symbol", "stock symbol", "ticker symbol")
    reg(FieldKind("seat", make=_digits("##?")), "seat", "seat number")
    reg(FieldKind("uuid", faker="uuid4", format="uuid", unique=True), "uuid", "guid")
    # Things and categories
    reg(
        FieldKind("product_name", make=_product),
        "product",
        "product name",
        "item name",
        "item",
        "model",
        "car model",
        "vehicle",
        "car",
        "device",
    )
    reg(FieldKind("pet_name", pick=PET_NAMES), "pet name", "dog name", "cat name", "animal name", "pet")
    reg(
        FieldKind("title", make=_title),
        "title",
        "headline",
        "subject",
        "name title",
        "course title",
        "book title",
        "movie",
        "film",
        "book",
        "course",
        "album",
        "song",
        "label",
        "caption",
        "heading",
    )
    reg(FieldKind("word", faker="word"), "word", "tag", "tags", "keyword", "keywords", "alias", "term", "topic")
    reg(FieldKind("category", pick=CATEGORIES), "category", "genre", "segment", "section", "kind")
    reg(FieldKind("status", pick=STATUSES), "status", "state name", "stage", "delivery status")
    reg(FieldKind("plan", pick=PLANS), "plan", "tier", "membership plan", "subscription plan", "membership type")
    reg(FieldKind("room_type", pick=ROOM_TYPES), "room type", "room")
    reg(FieldKind("seat_class", pick=SEAT_CLASSES), "seat class", "class", "cabin", "cabin class", "travel class")
    reg(FieldKind("carrier", pick=CARRIERS), "carrier", "courier", "shipping carrier", "airline")
    reg(FieldKind("unit", pick=UNITS), "unit", "units", "uom", "unit of measure")
    reg(FieldKind("size", pick=SIZES), "size", "shirt size", "clothing size")
    reg(FieldKind("track", pick=TRACKS), "track", "stream")
    reg(FieldKind("side", pick=SIDES), "side", "direction buy")
    reg(FieldKind("payment_method", pick=METHODS_OF_PAYMENT), "payment method", "payment type", "payment")
    reg(FieldKind("reference_range", make=_range_text), "reference range", "range", "normal range")
    # Free text: the language model writes it when there is one, else Faker sentences
    reg(
        FieldKind("free_text", text=True),
        "description",
        "review",
        "review text",
        "bio",
        "biography",
        "comment",
        "comments",
        "message",
        "summary",
        "body",
        "abstract",
        "notes",
        "note",
        "text",
        "content",
        "feedback",
        "story",
        "transcript",
        "essay",
        "answer",
        "question",
        "reason",
        "explanation",
        "details",
        "about",
        "instructions",
        "overview",
        "remarks",
        "post",
        "caption text",
        "cover letter",
        "prerequisite",
    )
    # Numbers with realistic ranges
    reg(
        FieldKind("percent", NUMBER, low=0, high=100, decimals=1),
        "percent",
        "percentage",
        "pct",
        "progress",
        "humidity",
        "discount",
        "completion",
        "battery",
        "utilization",
        "share percent",
        "probability percent",
    )
    reg(
        FieldKind("fraction", NUMBER, low=0, high=1, decimals=3), "ratio", "fraction", "probability", "confidence", "share", "weight factor"
    )
    reg(
        FieldKind("price", NUMBER, low=0.5, high=5000, decimals=2, median=40),
        "price",
        "cost",
        "fee",
        "amount",
        "total",
        "subtotal",
        "rate",
        "daily rate",
        "nightly price",
        "monthly fee",
        "charge",
        "fare",
        "payment amount",
        "claim amount",
        "balance",
        "revenue",
        "budget",
        "tip",
        "tax",
        "unit price",
        "value usd",
    )
    reg(
        FieldKind("salary", NUMBER, low=15000, high=400000, decimals=2, median=60000),
        "salary",
        "wage",
        "pay",
        "income",
        "annual salary",
        "compensation",
    )
    reg(FieldKind("age", INTEGER, low=18, high=90), "age", "age years")
    reg(FieldKind("year", INTEGER, low=THIS_YEAR - 30, high=THIS_YEAR), "year", "yr", "model year", "birth year")
    reg(FieldKind("month", INTEGER, low=1, high=12), "month")
    reg(FieldKind("day", INTEGER, low=1, high=28), "day", "day of month")
    reg(FieldKind("hour", INTEGER, low=0, high=23), "hour")
    reg(FieldKind("minute", INTEGER, low=0, high=59), "minute")
    reg(
        FieldKind("count", INTEGER, low=0, high=20),
        "count",
        "quantity",
        "qty",
        "number",
        "num",
        "servings",
        "serving",
        "guest count",
        "items",
        "attempts",
        "retries",
        "copies",
        "seats",
        "stock",
        "inventory",
        "votes",
        "likes",
        "views",
        "bedroom",
        "bedrooms",
        "bathroom",
        "bathrooms",
        "credits",
        "credit",
        "rooms",
        "floors",
        "nights",
        "units count",
        "level",
        "priority number",
        "size count",
    )
    reg(FieldKind("shares", INTEGER, low=1, high=5000, median=100), "shares", "volume")
    reg(FieldKind("rating", INTEGER, low=1, high=5), "rating", "stars", "score", "grade")
    reg(FieldKind("temperature", NUMBER, low=-15, high=40, decimals=1), "temperature", "temp", "celsius")
    reg(FieldKind("wind_speed", NUMBER, low=0, high=30, decimals=1), "wind speed", "wind", "speed", "velocity")
    reg(FieldKind("weight", NUMBER, low=0.1, high=120, decimals=2, median=5), "weight", "mass", "kg", "weight kg")
    reg(FieldKind("height", NUMBER, low=140, high=205, decimals=1), "height", "height cm")
    reg(
        FieldKind("area", NUMBER, low=300, high=6000, decimals=0, median=1500),
        "square feet",
        "sq ft",
        "sqft",
        "area",
        "square meters",
        "sqm",
        "floor area",
        "size sq",
    )
    reg(
        FieldKind("duration", NUMBER, low=1, high=240, decimals=0, median=30),
        "duration",
        "minutes",
        "cooking time",
        "prep time",
        "time minutes",
        "length minutes",
        "runtime",
        "elapsed",
    )
    reg(FieldKind("seconds", NUMBER, low=0, high=3600, median=30), "seconds", "timeout", "delay", "interval", "ttl")
    reg(FieldKind("port", INTEGER, low=1024, high=65535), "port")
    reg(
        FieldKind("status_code", INTEGER, make=lambda r, f: HTTP_STATUS_CODES[int(r.integers(len(HTTP_STATUS_CODES)))], low=100, high=599),
        "status code",
        "http status",
        "response code",
    )
    reg(FieldKind("distance", NUMBER, low=0.1, high=500, decimals=1, median=12), "distance", "km", "miles", "mileage")
    reg(
        FieldKind("measurement", NUMBER, low=0, high=200, decimals=2, median=20), "value", "result", "measurement", "reading", "level value"
    )
    # Dates and times (strings with a format)
    reg(
        FieldKind("date", format="date"),
        "date",
        "day date",
        "birthday",
        "birth date",
        "dob",
        "date of birth",
        "check in",
        "check out",
        "checkin",
        "checkout",
        "due",
        "due date",
        "deadline",
        "start date",
        "end date",
        "hire date",
        "loan date",
        "return date",
        "completion date",
        "incident date",
        "expiry",
        "expiration",
        "departure date",
        "arrival date",
        "start",
        "end",
        "since",
        "until",
    )
    reg(
        FieldKind("datetime", format="date-time"),
        "timestamp",
        "datetime",
        "date time",
        "created at",
        "updated at",
        "time",
        "execution time",
        "logged at",
        "occurred at",
        "sent at",
        "created",
        "updated",
        "modified",
        "when",
    )


GENERIC = {"name", "title", "type", "id", "code", "number", "value", "label", "key", "kind"}
PERSON_WORDS = {
    "person",
    "customer",
    "user",
    "author",
    "employee",
    "contact",
    "member",
    "student",
    "patient",
    "passenger",
    "guest",
    "borrower",
    "owner",
    "reviewer",
    "speaker",
    "instructor",
    "teacher",
    "agent",
    "driver",
    "manager",
    "candidate",
    "buyer",
    "seller",
    "sender",
    "recipient",
    "people",
    "attendee",
    "participant",
    "player",
    "maintainer",
    "contributor",
    "host",
    "friend",
    "staff",
    "doctor",
    "client",
}
PERSON_SIBLINGS = {"email", "phone", "age", "birth", "gender", "address", "surname"}


def words(name: str) -> list[str]:
    """The lower-case words of a field name: 'firstName', 'first_name', 'first-name' -> ['first', 'name']."""
    spaced = re.sub(r"([A-Z]{2,})s(?=[^a-z]|$)", r"\1S", name)  # 'photoURLs': a plural acronym
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", spaced)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [_singular(w) for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _rules() -> dict[tuple[str, ...], str]:
    if not KINDS:
        _kinds()
    # phrases are matched on singular words
    return {tuple(_singular(w) for w in phrase): kind for phrase, kind in list(RULES.items())}


@cache
def _singular_rules() -> dict[tuple[str, ...], str]:
    return _rules()


def match_words(tokens: list[str]) -> str | None:
    """The kind of the longest rule phrase that ends the words, else the longest found anywhere (rightmost)."""
    rules = _singular_rules()
    for size in range(min(len(tokens), 4), 0, -1):
        if (hit := rules.get(tuple(tokens[-size:]))) is not None:
            return hit
    for size in range(min(len(tokens), 4), 0, -1):
        for start in range(len(tokens) - size, -1, -1):
            if (hit := rules.get(tuple(tokens[start : start + size]))) is not None:
                return hit
    return None


def kind_for(name: str, schema: dict[str, Any] | None = None, parent: str = "", siblings: Iterable[str] = ()) -> FieldKind | None:
    """The kind of field ``name`` (with its ``schema`` node, its parent's name and its siblings' names), or None.

    ``x-kind`` names a kind outright; otherwise rules on the name, then the title, decide.
    """
    schema = schema or {}
    _singular_rules()
    if isinstance(schema.get("x-kind"), str):
        return KINDS.get(schema["x-kind"])
    tokens = words(name)
    hit = _generic(tokens, words(parent), {w for s in siblings for w in words(s)}) if len(tokens) == 1 and (tokens[0] in GENERIC) else None
    hit = hit or match_words(tokens)
    if hit is None and isinstance(schema.get("title"), str) and len(schema["title"]) < 40:
        hit = match_words(words(schema["title"]))
    kind = KINDS.get(hit) if hit else None
    return kind if kind is None or _fits(kind, schema) else None


def _generic(tokens: list[str], parent: list[str], siblings: set[str]) -> str | None:
    """A generic word ('name', 'title', 'id') decided by the parent object, then by the siblings."""
    word = tokens[0]
    for context in (parent[-2:], parent[-1:]):
        if context and (hit := _singular_rules().get((*context, word))):
            return hit
    if word == "name":
        if (parent and parent[-1] in PERSON_WORDS) or siblings & PERSON_SIBLINGS:
            return "person_name"
        if parent and parent[-1] in {"pet", "dog", "cat", "animal", "puppy", "kitten"}:
            return "pet_name"
        if parent and parent[-1] in {"company", "organization", "organisation", "employer", "vendor", "publisher"}:
            return "company"
        if parent and parent[-1] in {"city", "country", "product", "item", "tag", "category", "course"}:
            return {"city": "city", "country": "country", "course": "title", "tag": "word", "category": "category"}.get(
                parent[-1], "product_name"
            )
        if siblings & {"version", "dependency", "script", "plugin"}:
            return "slug"
        return "title" if parent else "person_name"
    return None


def _fits(kind: FieldKind, schema: dict[str, Any]) -> bool:
    """Whether a kind can make values of the node's type (a string kind for a string field ...)."""
    declared = schema.get("type")
    types = set(declared) if isinstance(declared, list) else {declared} if declared else set()
    return not types or bool(types & kind.types)


def kind_names() -> list[str]:
    """Every registered kind name (for ``x-kind``)."""
    _singular_rules()
    return sorted(KINDS)


def get_kind(name: str) -> FieldKind | None:
    """The registered kind called ``name``."""
    _singular_rules()
    return KINDS.get(name)


def similarity_enabled() -> bool:
    """Whether MiniLM similarity types fields no rule matched (``HFKIT_SYNTH_SIMILARITY=1``; off by default: loading
    the embedder costs seconds, and rules cover common names)."""
    import os

    return os.environ.get("HFKIT_SYNTH_SIMILARITY", "0") == "1"


def similar_kind(name: str, schema: dict[str, Any] | None = None) -> FieldKind | None:
    """The kind whose phrases are most similar to the field's name and title (MiniLM), above the floor; or None."""
    if not similarity_enabled():
        return None
    text = " ".join(words(name))
    title = (schema or {}).get("title")
    if isinstance(title, str) and len(title) < 60:
        text = f"{text} {title.lower()}"
    hit = _similar(text)
    kind = KINDS.get(hit) if hit else None
    return kind if kind is not None and _fits(kind, schema or {}) else None


@cache
def _similar(text: str) -> str | None:
    try:
        embedder, matrix, names = _phrase_table()
    except Exception:
        return None
    scores = matrix @ embedder.encode([text])[0]
    best = int(scores.argmax())
    return names[best] if float(scores[best]) >= SIMILARITY_FLOOR else None


@cache
def _phrase_table() -> tuple[Any, Any, list[str]]:
    from hfkit.backends.sentence_transformers import load_embedder

    rules = _singular_rules()
    phrases = [" ".join(p) for p in rules]
    embedder = load_embedder()
    return embedder, embedder.encode(phrases), list(rules.values())
