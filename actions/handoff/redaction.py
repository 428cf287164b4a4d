"""Remove secrets from customer text before it leaves the action server.

Customers paste card numbers, passwords, one-time codes, phone numbers, bank
details and dates of birth into chats. The handoff summary and relayed messages
travel to another service (the inbox, and from there to helpdesks), so every
string is passed through :func:`redact` first. Each rule replaces a match with
a visible, plain marker such as ``[phone number]`` so an agent knows something
was said without seeing it.

The rules aim at secrets, not at numbers in general: an order number, a price,
a parcel tracking number, a postcode or a delivery date must reach the agent
intact. So a card number needs a card network's prefix, an IBAN its checksum, a
bank account number a label, a password or a code a word that announces it, a
phone number a phone's shape (international prefix, a UK trunk 0, or a US
grouping), and a date is only a date of birth when the text says so or the year
is too old for a recent order.

Every rule is linear in the length of the text, so one 100,000-character message
cannot stall the action server (issue 11): quantifiers over separators are
bounded, a pattern with an open-ended run starts where a word starts, and
patterns are tried only where a digit or a plain keyword is (a case-insensitive
pattern tried at every character is what made redaction slow). A 2,000-character
message takes well under a millisecond.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from functools import lru_cache, partial
from re import Pattern
from typing import Any

import phonenumbers

# What an agent sees instead of a secret. Their words ("code", "phone", "birth") must not
# count as context on a second pass: the summary is redacted again as a whole.
MARKERS = frozenset(
    {
        "[card number]",
        "[security code]",
        "[bank account]",
        "[sort code]",
        "[password]",
        "[one-time code]",
        "[date of birth]",
        "[phone number]",
        "[national insurance number]",
    }
)
MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

# -- payment cards --------------------------------------------------------------------------------
# Patterns start with a digit or run where a keyword was found: a pattern that opens with
# a look-behind or a word boundary is tried at every character, which costs ten times more.
_CARD = re.compile(r"\d(?<![\d/=.]\d)(?:[ \-]?\d){12,18}(?!\d)")
# Issuer prefixes of the card networks customers use (Visa, Mastercard, Amex,
# Discover, Diners, JCB, Maestro, UnionPay).
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|35|6011|64[4-9]|65|50|5[6-8]|62)")
_NON_DIGITS = re.compile(r"\D")
_CARD_WORDS = re.compile(r"\b(card|visa|mastercard|amex|debit|credit)\b", re.I)
_CVV = re.compile(r"\b(cvv2?|cvc2?|csc|security code)\b(\W{0,3}(?:is\W{0,2})?)\d{3,4}\b", re.I)


def _luhn_ok(digits: str) -> bool:
    """True when ``digits`` passes the Luhn checksum every payment card carries."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = _NON_DIGITS.sub("", match.group(0))
    # Card numbers carry a network prefix; a mistyped one (failing Luhn) is still
    # masked when it has a card's usual 16 digits. Tracking numbers pass neither.
    if not 13 <= len(digits) <= 19:
        return match.group(0)
    said_card = _CARD_WORDS.search(match.string[max(0, match.start() - 25) : match.start()])
    if said_card or (_CARD_PREFIX.match(digits) and (_luhn_ok(digits) or len(digits) == 16)):
        return "[card number]"
    return match.group(0)


# -- bank details ---------------------------------------------------------------------------------
# Length of the IBAN of each country that issues them (ISO 13616 registry).
_IBAN_LENGTHS = dict(
    (entry[:2], int(entry[2:]))
    for entry in [
        "AD24",
        "AE23",
        "AL28",
        "AT20",
        "AZ28",
        "BA20",
        "BE16",
        "BG22",
        "BH22",
        "BR29",
        "BY28",
        "CH21",
        "CR22",
        "CY28",
        "CZ24",
        "DE22",
        "DK18",
        "DO28",
        "EE20",
        "EG29",
        "ES24",
        "FI18",
        "FO18",
        "FR27",
        "GB22",
        "GE22",
        "GI23",
        "GL18",
        "GR27",
        "GT28",
        "HR21",
        "HU28",
        "IE22",
        "IL23",
        "IQ23",
        "IS26",
        "IT27",
        "JO30",
        "KW30",
        "KZ20",
        "LB28",
        "LC32",
        "LI21",
        "LT20",
        "LU20",
        "LV21",
        "MC27",
        "MD24",
        "ME22",
        "MK19",
        "MR27",
        "MT31",
        "MU30",
        "NL18",
        "NO15",
        "PK24",
        "PL28",
        "PS29",
        "PT25",
        "QA29",
        "RO24",
        "RS22",
        "SA24",
        "SC31",
        "SE24",
        "SI19",
        "SK24",
        "SM27",
        "ST25",
        "SV28",
        "TL23",
        "TN24",
        "TR26",
        "UA29",
        "VA22",
        "VG24",
        "XK20",
    ]
)
# Grouped in fours ("GB29 NWBK 6016 ...") or run together; the match may run into
# a following word, so _iban_spans keeps only the country's length.
_IBAN = re.compile(
    r"\b[A-Z]{2}\d{2}(?:(?: [A-Z0-9]{4}){2,8}(?: [A-Z0-9]{1,3})?|[A-Z0-9]{11,30})\b", re.I
)
_IBAN_HINT = re.compile(r"\d(?<=[A-Za-z]{2}\d)\d")  # the check digits after a country code
_IBAN_LABEL = re.compile(r"\biban\b", re.I)
_ACCOUNT = re.compile(
    r"\b(?P<label>(?:bank\s)?(?:account|acct|acc|a/c)(?:\s?(?:number|num|no\.?|#))?"
    r"|(?:routing|aba)(?:\s?(?:number|no\.?|#))?)"
    r"(?P<sep>\W{0,3}(?:is\W{0,2})?)(?P<number>\d(?:[ \-]?\d){5,16})(?![ \-]?\d)",
    re.I,
)

_SORT_CODE_LABELLED = re.compile(
    r"\b(sort\s?code)(\W{0,3}(?:is\W{0,2})?)\d{2}[\- ]?\d{2}[\- ]?\d{2}(?![ \-]?\d)", re.I
)
# "12-34-56" alone, or a sort code and an account number together ("12-34-56 12345678").
_SORT_CODE = re.compile(
    r"\d(?<![\w\-]\d)\d(?P<dashed>-\d{2}-\d{2}\b)?(?(dashed)|[\- ]?\d{2}[\- ]?\d{2})"
    r"(?P<account>(?: {1,3}|\s?[,/]\s?)\d{8}(?![ \-]?\d))?"
)


def _iban_valid(compact: str) -> bool:
    """The ISO 13616 mod-97 check: a mistyped IBAN and a tracking number both fail it."""
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _iban_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield the spans of IBANs: a known country, its length and a valid checksum (or the word IBAN)."""
    position = 0
    while hint := _IBAN_HINT.search(text, position):
        position = hint.start() + 1
        match = _IBAN.match(text, hint.start() - 2)
        if not match:
            continue
        length = _IBAN_LENGTHS.get(match.group(0)[:2].upper())
        labelled = _IBAN_LABEL.search(text, max(0, match.start() - 20), match.start())
        compact, end = "", match.start()
        for end, char in enumerate(match.group(0), start=match.start() + 1):  # noqa: B007 (read after the loop)
            if char != " ":
                compact += char
            if length and len(compact) == length:
                break
        if length and len(compact) == length and (labelled or _iban_valid(compact.upper())):
            yield match.start(), end
            position = end


def _sort_code(match: re.Match[str]) -> str:
    if match.group("account"):
        return "[bank account]"
    return "[sort code]" if match.group("dashed") else match.group(0)


def _account(match: re.Match[str]) -> str:
    """Mask a labelled account (8–17 digits) or US routing number (9 digits)."""
    digits = _NON_DIGITS.sub("", match.group("number"))
    routing = match.group("label").lower().startswith(("routing", "aba"))
    if (routing and len(digits) == 9) or (not routing and 8 <= len(digits) <= 17):
        return f"{match.group('label')}{match.group('sep')}[bank account]"
    return match.group(0)


# -- passwords and one-time codes -----------------------------------------------------------------
# Words that describe a password rather than being one: "my password is wrong".
_NOT_A_SECRET = (
    r"(?:not|no|n't|wrong|incorrect|invalid|expired|locked|blocked|too|the|a|an|still|being|correct|"
    r"right|fine|working|broken|rejected|reset|resetting|changed|change|same|definitely|now|also|my|"
    r"your|very|really|long|short|weak|strong|ok|okay|good|bad|required|needed|in|on|at|for|that|this|"
    r"it|what|different|empty|blank|accepted|saved|stored|showing|asking|coming|failing|never|always|"
    r"and|but|or|so|forgotten|forgot|lost|missing|there|here|which|when|how|why|all|any|some|update|"
    r"updated|help|link|email|e-mail|expiring|hidden|unknown|gone|please|pls|has|have|had|was|is|will|"
    r"would|can|could|should|doesn't|does|did|didn't|isn't|wasn't|won't|can't|cannot|keeps|i|i'm|just|"
    r"simply|literally|actually|probably|case|sensitive|set|being|something|nothing|anything|one|"
    r"reset|recovery|page|screen|field|box|requirements|rules|manager|sent|emailed|texted|given|generated|"
    r"shown|displayed|created|made|chosen|typed|entered|copied|pasted|auto|automatically|"
    r"\d{1,2}\s(?:characters?|chars?|digits?|letters?|numbers?|symbols?))"
)
_PASSWORD_WORD = r"pass(?:word|wd|wrd|code|phrase)?|pwd|pw|p/w|pword|pin(?:\s(?:number|code|no))?"
_QUOTED = r"\"[^\"\n]{1,64}\"|'[^'\n]{1,64}'|“[^”\n]{1,64}”"
# "password is X", "pw: X", "password for the site is X", "changed my password to X",
# or "password X" where X holds a digit or symbol. "I forgot my password" stays as it is.
_PASSWORD = re.compile(
    rf"\b(?:{_PASSWORD_WORD})\b"
    r"(?:\s{1,3}(?:for|on|of|to|at|with)\s{1,3}(?:(?:my|the|your|this|our)\s{1,3})?[\w.\-]{1,30})?"
    r"(?:\s{0,3}(?:\bis\b|\bwas\b|'s\b|\bshould\s{1,3}be\b|\bset\s{1,3}to\b|=|:|(?<=\s)-)"
    r"(?:\s{0,3}(?:\bnow\b|:|\bset\s{1,3}to\b))?\s{0,3}(?:(?:just|simply|literally|actually|still)\s{1,3})?"
    r"|\s{1,3}(?:to\s{1,3})?(?=\S*[\d!@#$%^&*_+=?]))"
    rf"(?!\[|{_NOT_A_SECRET}(?:\W|$))(?P<secret>{_QUOTED}|\S+)",
    re.I,
)
_LOGIN_WITH = re.compile(
    r"\b(?:log|sign)(?:ged|ging)?[\s\-]?(?:in|on)\s{1,3}(?:with|using)\s{1,3}(?!\[)(?P<secret>\S+)",
    re.I,
)
_NOT_A_LOGIN_SECRET = re.compile(r"^(?:2fa|mfa|sso|otp|face\s?id|touch\s?id)\W*$|@.+\.", re.I)
# "hunter2 is my password": found from the naming word, then looked for just before it.
_PASSWORD_NAMED = re.compile(r"(?<![\w/])(?:password|pwd|pw|pin)\b", re.I)
_PASSWORD_BEFORE = re.compile(
    rf"(?<!\S)(?P<secret>{_QUOTED}|\S+)\s{{1,3}}(?:is|was)\s{{1,3}}(?:my|the)\s{{1,3}}"
    r"(?:(?:new|old|current|actual|real)\s{1,3})?$",
    re.I,
)
_SECRET_LOOK = re.compile(r"[\d!@#$%^&*_+=?]|^[\"'“]")

# "verification code", "2fa code", "sign-in code"... all end in "code": the word before it
# only matters when it names another kind of code (_OTHER_CODES).
_OTP_WORD = r"otp|one[\s\-]?time\s(?:pass(?:word|code)?|code|pin)|code"
_OTP_GAP = (
    r"is|was|are|you|u|they|we|i|just|sent|send|texted|text|txt|emailed|gave|got|get|received|me|to|my|"
    r"the|your|phone|mobile|by|via|sms|it|its|it's|that|says|said|reads|shows|showed|number|no|of|on|"
    r"from|app|email|message|i've|have|has|had|been|new|latest"
)
_OTP_DIGITS = r"\d(?:[ \-]?\d){3,7}(?![ \-]?\d|[.,]\d)"
_OTP = re.compile(
    rf"\b(?P<word>{_OTP_WORD})\b(?P<gap>(?:\s{{0,3}}(?:[:=#\-]|\b(?:{_OTP_GAP})\b)){{0,8}}\s{{0,3}})(?<!\d)"
    rf"(?P<code>{_OTP_DIGITS})",
    re.I,
)
# "483920 is the code": found from the naming word, then looked for just before it.
_OTP_NAMED = re.compile(r"(?<!\w)(?:otp|code|passcode)\b", re.I)
_OTP_BEFORE = re.compile(
    r"(?P<secret>\d(?<![\w#£$€.,\-]\d)(?:[ \-]?\d){3,7})\s{1,3}(?:is|was)\s{1,3}(?:the|my|your)\s{1,3}"
    r"(?:(?:new|latest|one[\s\-]time|verification|login|sms|security|2fa)\s{1,3})?$",
    re.I,
)
# "code" alone is a one-time code unless the word before it says what kind of code.
_OTHER_CODES = frozenset(
    [
        "post",
        "postal",
        "zip",
        "area",
        "discount",
        "promo",
        "promotional",
        "voucher",
        "coupon",
        "gift",
        "tracking",
        "product",
        "item",
        "sort",
        "dialling",
        "dialing",
        "country",
        "error",
        "reference",
        "ref",
        "order",
        "bar",
        "qr",
        "source",
        "tax",
        "style",
        "colour",
        "color",
        "size",
        "referral",
        "offer",
        "sale",
        "invite",
        "invitation",
        "reward",
        "loyalty",
        "membership",
        "member",
        "cvv",
        "card",
        "pin",
    ]
)


def _keep_prefix(match: re.Match[str], group: str, marker: str) -> str:
    """Replace only ``group`` of the match, keeping the words that announced it."""
    start, end = match.start(group) - match.start(), match.end(group) - match.start()
    return match.group(0)[:start] + marker + match.group(0)[end:]


def _password(match: re.Match[str]) -> str:
    return _keep_prefix(match, "secret", "[password]")


def _login_secret(match: re.Match[str]) -> str:
    secret = match.group("secret")
    if _SECRET_LOOK.search(secret) and not _NOT_A_LOGIN_SECRET.search(secret):
        return _keep_prefix(match, "secret", "[password]")
    return match.group(0)


def _password_before(match: re.Match[str]) -> str | None:
    return "[password]" if _SECRET_LOOK.search(match.group("secret")) else None


def _otp(match: re.Match[str]) -> str:
    if match.group("word").lower() == "code":
        before = match.string[max(0, match.start() - 20) : match.start()].split()
        if before and before[-1].strip(":-#'\"").lower() in _OTHER_CODES:
            return match.group(0)
    return _keep_prefix(match, "code", "[one-time code]")


# -- dates of birth -------------------------------------------------------------------------------
_BIRTH_WORDS = re.compile(r"\b(?:born|birth|birthdate|dob|d\.o\.b)\b", re.I)
# "Birthday" alone is often a present's: it counts only right before or after the date.
_BIRTHDAY_BEFORE = re.compile(
    r"\bb(?:irth)?'?day(?:\s{0,3}(?:is|was|'s|:|=))?\s{0,3}(?:on\s{1,3})?(?:the\s{1,3})?$", re.I
)
_BIRTH_AFTER = re.compile(
    r"[\s,(\-]{0,3}(?:(?:is|was|=)\s{1,3})?(?:(?:my|the|her|his)\s{1,3})?"
    r"(?:b(?:irth)?'?day\b|birth|dob\b|d\.o\.b)",
    re.I,
)
# A delivery word after the birth word means the date belongs to the order.
_DELIVERY_WORDS = re.compile(
    r"\b(?:order(?:ed)?|deliver(?:y|ed)?|arriv(?:e|ed|al|ing)|due|ship(?:ped|ping)?|dispatch(?:ed)?|"
    r"expected|return(?:ed)?|refund(?:ed)?|paid|bought|by|until|before|after)\b",
    re.I,
)
# Sentence ends, commas, other numbers and markers end the context ("d.o.b." is not a
# sentence end, and the "birth" in an earlier "[date of birth]" is not a birth word).
_CONTEXT_CUT = re.compile(r"(?<!\b[a-z])[.!?](?=\s|$)|[\d;,\n\]]", re.I)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# Every birth word above contains one of these.
_BIRTH_HINTS = ("born", "birth", "dob", "d.o.b", "day")
# A date this many years back cannot be an order or delivery date: treat it as personal.
_PERSONAL_DATE_YEARS = 5
# Dates that start with a digit, tried where a run of digits starts...
_DATE = re.compile(
    rf"""
    (?P<numeric>(?<![\d/.\-])\d{{1,2}}[/.\-]\d{{1,2}}[/.\-](?:\d{{4}}|\d{{2}})(?![/.\-]?\d))
    |(?P<iso>(?<![\d/.\-])(?:19|20)\d{{2}}[/.\-]\d{{1,2}}[/.\-]\d{{1,2}}(?![/.\-]?\d))
    |(?P<day_month>\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s{{1,3}}of)?[\s\-/.]{{1,3}}(?:{MONTHS})\b\.?
        (?:,?[\s\-/]{{1,3}}(?:\d{{4}}|'?\d{{2}})\b)?)
    |(?P<compact>(?<!\d)\d{{8}}(?!\d))
    |(?P<year>(?<!\d)(?:19|20)\d{{2}}(?!\d))
    """,
    re.I | re.X,
)
# ...and dates that start with a month, tried where a month's name starts.
_DATE_MONTH_FIRST = re.compile(
    rf"""
    (?P<month_day>\b(?:{MONTHS})\b\.?\s{{1,3}}\d{{1,2}}(?:st|nd|rd|th)?\b
        (?:,?\s{{1,3}}(?:\d{{4}}|'?\d{{2}})\b)?)
    |(?P<month_year>\b(?:{MONTHS})\b\.?,?\s{{1,3}}(?:19|20)\d{{2}}\b)
    """,
    re.I | re.X,
)
_MONTH_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _said_birth(text: str, start: int, end: int, reach: int) -> bool:
    """True when a birth word is just before the date (within ``reach``) or right after it."""
    before = text[max(0, start - 40) : start]
    cuts = list(_CONTEXT_CUT.finditer(before))
    before = before[cuts[-1].end() :] if cuts else before
    before = before[-reach:]
    if _BIRTHDAY_BEFORE.search(before):
        return True
    births = list(_BIRTH_WORDS.finditer(before))
    if births:
        deliveries = list(_DELIVERY_WORDS.finditer(before))
        if not deliveries or deliveries[-1].start() < births[-1].start():
            return True
    return bool(_BIRTH_AFTER.match(text, end, end + 30))


def _birth_date(match: re.Match[str]) -> str:
    """Mask a date when the text calls it a birth date, or a full date when it is years old."""
    kind, text = match.lastgroup, match.string
    if kind in ("numeric", "iso", "day_month", "month_day"):
        years = _YEAR.findall(match.group(0))
        if years and int(years[-1]) <= date.today().year - _PERSONAL_DATE_YEARS:
            return "[date of birth]"
    nearby = text[max(0, match.start() - 40) : match.end() + 30].lower()
    if not any(word in nearby for word in _BIRTH_HINTS):  # the usual case, decided cheaply
        return match.group(0)
    reach = 20 if kind in ("year", "month_year", "compact") else 40
    if _said_birth(text, match.start(), match.end(), reach):
        return "[date of birth]"
    return match.group(0)


# -- phone numbers --------------------------------------------------------------------------------
# Up to 15 digits (E.164's maximum) with spaces, dots, dashes or brackets between
# them; never glued to a word, an order "#", a price, a URL, a decimal or a date.
_PHONE_CANDIDATE = re.compile(
    r"(?<![\w+#£$€@/.,=\-])(?:\+ ?)?\(?\d(?:[ .()\-]{0,3}\d){6,14}\)?(?![\w@/%]|[.,:/\-]?\d)"
)
_PHONE_HINT = re.compile(r"\d(?:[ .()\-]{0,3}\d){6}")  # seven digits: where a phone may start
_DIGIT_RUN = re.compile(r"\d+")
_NUMBER_BLOCK = re.compile(r"[\d .()+\-]*")
# Numbers side by side are retried from each group ("order 10482 07700 900123"), at
# most this many times in one unbroken run of digits and separators: a longer list
# is not a message with a phone in it, and the cap keeps a 100,000-character run of
# digits and spaces linear.
_PHONE_RETRIES = 8
_US_FORMATTED = re.compile(r"^(?:\+?1[ .\-]?)?(?:\(\d{3}\) ?|\d{3}[ .\-])\d{3}[ .\-]\d{4}$")
_US_LOCAL = re.compile(r"^\d{3}[ .\-]\d{4}$")
_NANP = re.compile(r"^1?[2-9]\d{2}[2-9]\d{6}$")
_PHONE_WORDS = re.compile(
    r"\b(?:phone|mobile|mob|cell|tel|telephone|call|ring|text|txt|sms|whatsapp|reach|contact|landline|"
    r"fax|my\s+number|number\s+is)\b",
    re.I,
)


@lru_cache(maxsize=4096)
def _possible(number: str, region: str | None) -> bool:
    """libphonenumber's length check for the number's country (cached: repeated input costs once)."""
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:  # not a number at all: not a phone
        return False


def _said_phone(text: str, start: int) -> bool:
    """A phone word ("call", "mobile", "my number") just before: asked only for bare US shapes."""
    said = _PHONE_WORDS.search(text, max(0, start - 30), start)
    return said is not None and not _in_marker(text, said.start())


def _is_phone(candidate: str, digits: str, said_phone: Callable[[], bool]) -> bool:
    """Decide by shape: international prefix, UK trunk 0, US grouping, or a phone word before it."""
    if candidate.startswith("+") or digits.startswith("00"):
        international = "+" + (digits if candidate.startswith("+") else digits[2:])
        return 8 <= len(international) <= 16 and _possible(international, None)
    if digits.startswith("0"):
        # UK numbers are 0 + 9 or 10 digits, and never 00 (that is the international prefix).
        # An area code has 3 to 5 digits with its 0, so "01 2345 6784" (inside a UPS number) is not one.
        first_group = _DIGIT_RUN.match(candidate.lstrip("("))
        return (
            len(digits) in (10, 11)
            and digits[1] != "0"
            and first_group is not None
            and len(first_group.group(0)) >= 3
            and _possible(digits, "GB")
        )
    if len(digits) in (10, 11) and _NANP.match(digits):
        return bool(_US_FORMATTED.match(candidate) or said_phone())
    return len(digits) == 7 and bool(_US_LOCAL.match(candidate)) and said_phone()


def _phone_start(text: str, first_digit: int) -> int:
    """Step back over a "+", "+ " or "(" before the first digit."""
    start = first_digit
    if text[start - 1 : start] == "(":
        start -= 1
    if text[start - 1 : start] == "+":
        return start - 1
    return start - 2 if text[start - 2 : start] == "+ " else start


def _run_end(pattern: re.Pattern[str], text: str, start: int) -> int:
    """Where ``pattern`` (which matches at every hint it is used on) stops; ``start + 1`` if not."""
    match = pattern.match(text, start)
    return match.end() if match else start + 1


def _phone_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield phone spans, trying each candidate and its shorter prefixes at group boundaries."""
    position, block_end, retries = 0, 0, 0
    while hint := _PHONE_HINT.search(text, position):
        match = _PHONE_CANDIDATE.match(text, _phone_start(text, hint.start()))
        if not match:  # glued to a word, a price or an order "#": skip this run of digits
            position = _run_end(_DIGIT_RUN, text, hint.start())
            continue
        start, candidate = match.start(), match.group(0)
        if start >= block_end:
            block_end, retries = _run_end(_NUMBER_BLOCK, text, start), 0
        runs = list(_DIGIT_RUN.finditer(candidate))
        digits = "".join(run.group(0) for run in runs)
        end, count = 0, len(digits)
        for run in reversed(runs):  # the longest prefix ending at a group boundary first
            if count >= 7 and _is_phone(
                candidate[: run.end()], digits[:count], partial(_said_phone, text, start)
            ):
                end = run.end() + (1 if candidate[run.end() : run.end() + 1] == ")" else 0)
                break
            count -= len(run.group(0))
        if end:
            yield start, start + end
            position = start + end
        elif retries < _PHONE_RETRIES:
            retries += 1
            position = start + runs[0].end()
        else:
            position = max(match.end(), block_end)


# -- identity numbers -----------------------------------------------------------------------------
_NI_NUMBER = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I)
_NI_HINT = re.compile(r"\d\d\s?\d\d\s?\d\d\s?[A-Da-d]\b")


# -- applying the rules ---------------------------------------------------------------------------
# A rule takes the text and its lower-case twin (same length, so a position found in one
# is a position in the other) and returns the text with its matches replaced.
Rule = Callable[[str, str], str]
Replacement = Callable[[re.Match[str]], str]
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ANY_DIGIT = re.compile(r"\d")


def _lower(text: str) -> str:
    """Lower case with the same length ("İ" lowers to two characters; then ASCII only)."""
    lower = text.lower()
    return lower if len(lower) == len(text) else text.translate(_ASCII_LOWER)


def _in_marker(text: str, position: int) -> bool:
    """True when ``position`` is inside a marker left by an earlier pass ("[one-time code]")."""
    opening = text.rfind("[", max(0, position - 30), position + 1)
    closing = text.find("]", position, position + 30)
    return opening >= 0 and closing >= 0 and text[opening : closing + 1] in MARKERS


def _splice(text: str, spans: list[tuple[int, int, str]]) -> str:
    pieces, last = [], 0
    for start, end, marker in spans:
        pieces += [text[last:start], marker]
        last = end
    return "".join(pieces) + text[last:] if pieces else text


def _scan(pattern: Pattern[str], replacement: Replacement | str) -> Rule:
    """A pattern cheap enough to scan the whole text with: one that starts with a digit."""
    return lambda text, lower: pattern.sub(replacement, text)


def _at_keywords(
    words: tuple[str, ...], pattern: Pattern[str], replacement: Replacement | str
) -> Rule:
    """Try ``pattern`` only where one of the lower-case ``words`` is in the text.

    A case-insensitive pattern that opens with a word boundary is tried at every
    character; finding a plain word first is ten times cheaper, and most messages
    have none.
    """
    return _at_hints(_keywords(words), pattern, replacement, words)


def _keywords(words: tuple[str, ...]) -> Pattern[str]:
    return re.compile("|".join(re.escape(word) for word in words))


def _at_hints(
    hint: Pattern[str],
    pattern: Pattern[str],
    replacement: Replacement | str,
    words: tuple[str, ...] = (),
) -> Rule:
    """Try ``pattern`` only where ``hint`` is found in the lower-case text (and one of ``words`` is in it)."""

    def apply(text: str, lower: str) -> str:
        if words and not any(word in lower for word in words):
            return text
        spans: list[tuple[int, int, str]] = []
        for found in hint.finditer(lower):
            if (spans and found.start() < spans[-1][1]) or _in_marker(text, found.start()):
                continue
            if match := pattern.match(text, found.start()):
                marker = replacement if isinstance(replacement, str) else replacement(match)
                spans.append((match.start(), match.end(), marker))
        return _splice(text, spans)

    return apply


def _before_keywords(
    words: tuple[str, ...],
    named: Pattern[str],
    before: Pattern[str],
    marker: Callable[[re.Match[str]], str | None],
) -> Rule:
    """A secret said before the word that names it ("483920 is the code"): find the word, look back."""
    hint = _keywords(words)

    def apply(text: str, lower: str) -> str:
        if not any(word in lower for word in words):
            return text
        spans: list[tuple[int, int, str]] = []
        for found in hint.finditer(lower):
            last = spans[-1][1] if spans else 0
            if (
                found.start() < last
                or not named.match(text, found.start())
                or _in_marker(text, found.start())
            ):
                continue
            match = before.search(text, max(last, found.start() - 80), found.start())
            if match and (replacement := marker(match)):
                spans.append((match.start("secret"), match.end("secret"), replacement))
        return _splice(text, spans)

    return apply


def _when_found(hint: Pattern[str], rule: Rule) -> Rule:
    """Run ``rule`` only when ``hint``, a pattern that starts with a digit, is found."""
    return lambda text, lower: rule(text, lower) if hint.search(text) else text


# Where a run of digits starts that could open a date: "12/", "12 March", "12th of",
# eight digits, or a year.
_DATE_HINT = re.compile(
    r"\d(?<!\d\d)(?:\d{0,3}[/.\-]\d|\d?(?:st|nd|rd|th)?(?:\s{1,3}of)?[\s\-/.]{1,3}"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\d{7}(?!\d)|(?<=[12])\d{3}(?!\d))"
)

# Order matters: bank details before cards (an IBAN holds card-like digits), codes
# before passwords ("one-time passcode"), dates before sort codes and phones.
_NEEDS_DIGITS: list[Rule] = [
    lambda text, lower: _splice(
        text, [(start, end, "[bank account]") for start, end in _iban_spans(text)]
    ),
    _at_keywords(("bank", "acc", "a/c", "routing", "aba"), _ACCOUNT, _account),
    _at_keywords(("sort",), _SORT_CODE_LABELLED, lambda m: f"{m.group(1)}{m.group(2)}[sort code]"),
    _scan(_CARD, _card),
    _at_keywords(
        ("cvv", "cvc", "csc", "security"),
        _CVV,
        lambda m: f"{m.group(1)}{m.group(2)}[security code]",
    ),
    _at_keywords(("code", "otp", "one-time", "one time", "onetime"), _OTP, _otp),
    _before_keywords(
        ("passcode", "code", "otp"), _OTP_NAMED, _OTP_BEFORE, lambda m: "[one-time code]"
    ),
]
_WORDS_ONLY: list[Rule] = [
    _at_keywords(("pass", "pw", "p/w", "pin"), _PASSWORD, _password),
    _at_keywords(("log", "sign"), _LOGIN_WITH, _login_secret),
    _before_keywords(
        ("password", "pwd", "pw", "pin"), _PASSWORD_NAMED, _PASSWORD_BEFORE, _password_before
    ),
]
_NEEDS_DIGITS_AFTER: list[Rule] = [
    _when_found(_NI_HINT, _scan(_NI_NUMBER, "[national insurance number]")),
    _at_keywords(_MONTH_WORDS, _DATE_MONTH_FIRST, _birth_date),
    _at_hints(_DATE_HINT, _DATE, _birth_date),
    _scan(_SORT_CODE, _sort_code),
    lambda text, lower: _splice(
        text, [(start, end, "[phone number]") for start, end in _phone_spans(text)]
    ),
]


def redact(text: str) -> str:
    """Return ``text`` with cards, codes, passwords, phones, bank details and dates of birth masked."""
    if not text:
        return text
    has_digits = bool(_ANY_DIGIT.search(text))
    lower = _lower(text)
    for rule in (
        (_NEEDS_DIGITS if has_digits else [])
        + _WORDS_ONLY
        + (_NEEDS_DIGITS_AFTER if has_digits else [])
    ):
        changed = rule(text, lower)
        if changed != text:
            text, lower = changed, _lower(changed)
    return text


def redact_deep(value: Any) -> Any:
    """Apply :func:`redact` to every string inside nested dicts and lists."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_deep(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_deep(item) for item in value]
    return value
