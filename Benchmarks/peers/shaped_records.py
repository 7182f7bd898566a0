"""The benchmark's second data generator: ActiveCampaign API v3 list pages and the same records as NDJSON.

It is written from the API's documented record shapes (docs/activecampaign-api.md and ActiveCampaign's developer
reference), independently of the mock (Sources/ActiveCampaignMock), so that the benchmark does not
only measure data shaped by the code it tests. Pure standard library; deterministic for a given seed.

Usage:
  shaped_records.py --endpoint contacts|deals|wide_contacts --shape SHAPE --records N --pages DIR --ndjson FILE
                    [--seed 2026]
Writes DIR/page-0000000.json, ... (100 records per page, the list response of GET /contacts or /deals) and FILE
(the same records, byte for byte, one per line), then prints {"records": N, "bytes": <sum of the record lengths>}.

Shapes, each a complete variant of the dataset, and what they stress:
  api            Key order as the API sends it (`id` after `links`), PHP json_encode defaults (`\\/`, `\\uXXXX` with
                 surrogate pairs); ~10% non-ASCII names. The baseline: escape decoding, 18 URL links per contact.
  id-first       The same data with `id` as the first key and no escapes (raw UTF-8, plain `/`): a reader that finds
                 the id early, and a scanner that never meets a backslash.
  utf8-names     ~90% of first/last names and organisation names non-ASCII (Latin accents, Cyrillic, Greek, CJK,
                 Arabic, a few emoji and an astral CJK character), raw UTF-8: multi-byte text and its validation.
  escaped-names  The utf8-names data with every non-ASCII character as \\uXXXX and `/` as `\\/`: escape decoding
                 on most strings, surrogate pairs included.
  sparse-dates   api, but every date field of every record is drawn again: nullable ones a third null, a third
                 MySQL zero date, a third as generated; the others a third zero date. Null/zero handling in the
                 date columns, cursors included.
  8kb            api, each record ~8 KB: long multi-sentence free text (see LONG_TEXT_FIELD). Long strings.
wide_contacts is contacts plus 50 custom-field-like columns before `links` (see wide_fields), in any shape.
"""
import argparse
import datetime
import json
import os
import random

PAGE_SIZE = 100
ACCOUNT_URL = "https://northwind.api-us1.com/api/3"
SHAPES = {  # escape: PHP defaults; foreign: share of non-ASCII names
    "api": dict(escape=True, id_first=False, foreign=0.10, sparse=False, big=False),
    "id-first": dict(escape=False, id_first=True, foreign=0.10, sparse=False, big=False),
    "utf8-names": dict(escape=False, id_first=False, foreign=0.90, sparse=False, big=False),
    "escaped-names": dict(escape=True, id_first=False, foreign=0.90, sparse=False, big=False),
    "sparse-dates": dict(escape=True, id_first=False, foreign=0.10, sparse=True, big=False),
    "8kb": dict(escape=True, id_first=False, foreign=0.10, sparse=False, big=True),
}
# 8kb: the reference gives contacts no free-text field (names, phone, ua, segmentio_id are all short), so the long
# text goes into `orgname`, the one user-entered, free-form string of a contact (a notes column mapped onto the
# company name by an import); `links` keeps its 18 URLs. Deals have `description` (str/null), the natural place.
LONG_TEXT_FIELD = {"contacts": "orgname", "wide_contacts": "orgname", "deals": "description"}
# sparse-dates redraws these; WIDE_DATES are the custom date fields of wide_contacts (see wide_fields).
WIDE_DATES = [("contract_start", True), ("contract_end", True), ("last_purchase_date", True),
              ("trial_end_date", True), ("renewal_date", True), ("birthday", True), ("last_login_at", False),
              ("demo_scheduled_at", False), ("signup_completed_at", False), ("last_support_contact_at", False)]
DATE_FIELDS = {  # (key, plain date rather than datetime, nullable per the reference)
    "contacts": [("cdate", False, False), ("bounced_date", True, True), ("socialdata_lastcheck", False, True),
                 ("rating_tstamp", True, True), ("adate", False, True), ("udate", False, True),
                 ("edate", False, True), ("deleted_at", False, True), ("created_utc_timestamp", False, False),
                 ("updated_utc_timestamp", False, False), ("created_timestamp", False, False),
                 ("updated_timestamp", False, False)],
    "deals": [("cdate", False, False), ("mdate", False, False), ("nextdate", False, True),
              ("winProbabilityMdate", False, True), ("edate", False, True)],
}
DATE_FIELDS["wide_contacts"] = DATE_FIELDS["contacts"] + [(key, plain, True) for key, plain in WIDE_DATES]

# --- Time: local wall-clock seconds since DAY0 in America/Chicago, the zone of every documented example. -----------
DAY0 = datetime.date(2021, 1, 1)
END = (datetime.date(2026, 3, 1) - DAY0).days * 86400  # "now" of the dataset
YEAR = 365 * 86400
TIMES = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


def _calendar():
    """Per day from DAY0: its ISO date and its DST state (0 winter, 1 summer, 2 spring-forward, 3 fall-back day)."""
    days, states = [], []
    for i in range((datetime.date(2028, 1, 1) - DAY0).days):
        d = DAY0 + datetime.timedelta(i)
        march, november = datetime.date(d.year, 3, 1), datetime.date(d.year, 11, 1)
        start = march + datetime.timedelta((6 - march.weekday()) % 7 + 7)  # second Sunday of March
        end = november + datetime.timedelta((6 - november.weekday()) % 7)  # first Sunday of November
        days.append(d.isoformat())
        states.append(2 if d == start else 3 if d == end else 1 if start < d < end else 0)
    return days, states


DAYS, DST = _calendar()


def stamp(t):
    """(ISO with offset, naive local, naive UTC) of local time t, as the API writes cdate/udate and *_timestamp."""
    d, s = divmod(t, 86400)
    state = DST[d]
    if state == 2 and 7200 <= s < 10800:  # 02:00-03:00 does not exist on the spring-forward day
        s += 3600
    summer = state == 1 or (state == 2 and s >= 7200) or (state == 3 and s < 7200)
    u_day, u_sec = divmod(d * 86400 + s + (18000 if summer else 21600), 86400)
    return (f"{DAYS[d]}T{TIMES[s]}{'-05:00' if summer else '-06:00'}", f"{DAYS[d]} {TIMES[s]}",
            f"{DAYS[u_day]} {TIMES[u_sec]}")


def naive(t):
    return f"{DAYS[t // 86400]} {TIMES[t % 86400]}"


# --- Vocabulary. Non-ASCII entries carry the ASCII spelling used for e-mail addresses. ----------------------------
FIRST = ("James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph "
         "Jessica Thomas Sarah Chris Karen Daniel Lisa Matthew Nancy Anthony Betty Mark Sandra Paul Ashley Steven "
         "Kimberly Andrew Emily Kenneth Donna Josh Michelle Kevin Carol Brian Amanda Tim Melissa Ronald Deborah Jo "
         "Al Bartholomew Maximilian Evangeline Christopher Alexandria Ty Liv Ed Priya Ahmed Wei Kenji Olu").split()
LAST = ("Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson Thompson "
        "White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter "
        "Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers "
        "Ng Li Fox Oduya Kowalczyk Christodoulopoulos Vanderbilt Featherstonehaugh Abernathy Okonkwo").split()
FOREIGN_FIRST = [
    ("José", "jose"), ("Zoë", "zoe"), ("Søren", "soren"), ("Łukasz", "lukasz"), ("François", "francois"),
    ("Björn", "bjorn"), ("Çağla", "cagla"), ("Ángel", "angel"), ("Renée", "renee"), ("Jürgen", "jurgen"),
    ("Дмитрий", "dmitry"), ("Анна", "anna"), ("Сергей", "sergey"), ("Ольга", "olga"),
    ("Γιώργος", "giorgos"), ("Ελένη", "eleni"), ("伟", "wei"), ("芳", "fang"), ("陽翔", "haruto"), ("さくら", "sakura"),
    ("민준", "minjun"), ("محمد", "mohammed"), ("فاطمة", "fatima"), ("يوسف", "yousef"), ("Thảo", "thao"),
    ("Sam 🚀", "sam"), ("Lu 🌸", "lu"), ("🦄 Mia", "mia"),
]
FOREIGN_LAST = [
    ("García", "garcia"), ("Müller", "muller"), ("Ødegård", "odegard"), ("Núñez", "nunez"), ("Wałęsa", "walesa"),
    ("Šimůnek", "simunek"), ("O’Brien", "obrien"), ("Nguyễn", "nguyen"), ("Trần", "tran"), ("Иванова", "ivanova"),
    ("Смирнов", "smirnov"), ("Παπαδόπουλος", "papadopoulos"), ("王", "wang"), ("李", "li"), ("陳", "chen"),
    ("佐藤", "sato"), ("鈴木", "suzuki"), ("김", "kim"), ("العلي", "alali"), ("حداد", "haddad"), ("𠮷田", "yoshida"),
    ("de la Peña", "delapena"), ("Çelik", "celik"), ("Þórsdóttir", "thorsdottir"),
]
ORG_WORDS = ("Northwind Blue Harbor Summit Pioneer Granite Evergreen Silver Lakeside Redwood Atlas Beacon Cobalt "
             "Maple Orion Prairie Coastal Horizon Ironwood Juniper Keystone Liberty Meridian Oakridge").split()
ORG_KINDS = ["Traders", "Logistics LLC", "Dental Group", "Consulting", "Software Inc.", "Realty", "Outfitters",
             "Bakery", "Legal Partners LLP", "Fitness", "Analytics", "Builders Co.", "Health Clinic", "Media"]
FOREIGN_ORGS = [("Müller & Söhne GmbH", "mueller-soehne"), ("Café Olé", "cafeole"), ("ООО Ромашка", "romashka"),
                ("Ελληνική Ναυτιλία", "naftilia"), ("株式会社さくら商事", "sakura-shoji"), ("北京华信科技", "huaxin"),
                ("شركة النور", "alnoor"), ("Łódź Logística S.A.", "lodz-logistica"), ("Électricité Générale", "egen"),
                ("Doña Paz Tapas 🍷", "donapaz"), ("Zürcher Hüttenwerk AG", "zhw"), ("서울 디자인", "seoul-design")]
FREE_MAIL = ["gmail.com"] * 6 + ["yahoo.com"] * 2 + ["outlook.com", "hotmail.com", "icloud.com", "aol.com",
                                                      "proton.me", "gmx.de", "yandex.ru", "qq.com"]
AGENTS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 "
          "Safari/537.36",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
          "Safari/605.1.15",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Mobile/15E148",
          "Mozilla/5.0 (X11; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0"]
CONTACT_LINKS = ("bounceLogs contactAutomations contactData contactGoals contactLists contactLogs contactTags "
                 "contactDeals deals fieldValues geoIps notes organization plusAppend trackingLogs scoreValues "
                 "accountContacts automationEntryCounts").split()
DEAL_LINKS = ("dealActivities contact contactDeals group nextTask notes account customerAccount organization owner "
              "scoreValues stage tasks dealCustomFieldData").split()
STAGES = {1: range(1, 7), 2: range(7, 12), 3: range(12, 17), 4: range(17, 21)}  # pipeline -> its stage ids
CURRENCIES = ["usd"] * 39 + ["eur"] * 5 + ["gbp"] * 3 + ["cad", "aud"]
PRODUCTS = ["Annual licence", "Enterprise plan", "Onboarding package", "Support renewal", "40 seats",
            "Data migration", "Pilot", "Premium add-on", "Training days", "Multi-year agreement"]
NOTE_WORDS = ("customer renewal called meeting pricing discussed follow-up next week contract legal review budget "
              "approved quarter integration onboarding team requested demo trial users seats invoice procurement "
              "security questionnaire SSO migration timeline stakeholders decision champion sent proposal revised "
              "discount annual monthly billing support escalation resolved feedback positive concerns competitor "
              "evaluation shortlist signed expected close date moved forecast pipeline warm lead webinar attended "
              "downloaded whitepaper asked about API limits export reporting dashboard their the a to of and for "
              "with on in by from after before café Zürich São-Paulo résumé naïve Montréal €4,800 — $12,500 Q3 "
              "https://docs.example.com/setup/sso https://status.example.com/incidents/2291").split()


def sentences(rng, count):
    """Note-like sentences (a few with accents, a currency sign or a URL) for descriptions and long text."""
    out = []
    for _ in range(count):
        words = [NOTE_WORDS[int(rng.random() * len(NOTE_WORDS))] for _ in range(6 + int(rng.random() * 18))]
        out.append(words[0].capitalize() + " " + " ".join(words[1:]) + ".")
    return out


def organisations(rng, foreign):
    """400 organisations (name, e-mail domain); the first ones are the most common (see pick_org)."""
    orgs = []
    for i in range(400):
        if rng.random() < foreign:
            name, slug = FOREIGN_ORGS[int(rng.random() * len(FOREIGN_ORGS))]
            orgs.append((f"{name} {i}" if i >= len(FOREIGN_ORGS) else name, f"{slug}{i}.com"))
        else:
            word, kind = ORG_WORDS[int(rng.random() * len(ORG_WORDS))], ORG_KINDS[int(rng.random() * len(ORG_KINDS))]
            orgs.append((f"{word} {kind}", f"{word.lower()}{kind.split()[0].lower()}{i}.com"))
    return orgs


def person_name(r, foreign, ascii_pool, foreign_pool, joiner):
    """(display, ascii) with ~8% compound names. Always the same number of draws, so shapes share the rest."""
    use_foreign, a, compound, b = r() < foreign, r(), r(), r()
    if use_foreign:
        first, second = foreign_pool[int(a * len(foreign_pool))], foreign_pool[int(b * len(foreign_pool))]
    else:
        first, second = (ascii_pool[int(a * len(ascii_pool))],) * 2, (ascii_pool[int(b * len(ascii_pool))],) * 2
    if compound < 0.08:
        return first[0] + joiner + second[0], (first[1] + second[1]).lower()
    return first[0], first[1].lower()


def pick_org(r, orgs):
    return int(len(orgs) * r() ** 2.5)  # skewed: a few organisations hold many contacts and deals


class Generator:
    def __init__(self, endpoint, shape, seed, total):
        self.endpoint, self.shape, self.total = endpoint, SHAPES[shape], total
        self.rng = random.Random(seed)  # the data every shape shares
        self.extra = random.Random(seed + 1)  # shape-only choices (sparse dates, long text), not to shift the rest
        self.orgs = organisations(random.Random(seed + 2), self.shape["foreign"])
        self.notes = sentences(random.Random(seed + 3), 400)
        self.note_sizes = [len(self.encode(note)) - 1 for note in self.notes]  # as written, with a separator
        self.next_id = 1000
        if endpoint == "deals":  # meta.currencies sums the whole listing, so the amounts are drawn up front
            money = random.Random(seed + 4)
            self.amounts = [(CURRENCIES[int(money.random() * len(CURRENCIES))],
                             0 if money.random() < 0.05 else int(money.lognormvariate(12, 1.2)) // 100 * 100)
                            for _ in range(total)]

    def record(self, n):
        self.next_id += 1 + int(self.rng.random() ** 8 * 4)  # mostly +1, sometimes a gap (deleted records)
        rec = (self.deal if self.endpoint == "deals" else self.contact)(n, str(self.next_id))
        if self.shape["id_first"]:
            rec = {"id": rec["id"], **rec}
        if self.shape["sparse"]:
            self.sparsen(rec)
        text = self.encode(rec)
        if self.shape["big"]:
            field = LONG_TEXT_FIELD[self.endpoint]
            missing = int(8192 * (0.85 + 0.3 * self.extra.random())) - len(text)
            rec[field] = self.long_text(missing)
            text = self.encode(rec)
        return text

    def encode(self, rec):
        text = json.dumps(rec, ensure_ascii=self.shape["escape"], separators=(",", ":"))
        return text.replace("/", "\\/") if self.shape["escape"] else text

    def long_text(self, length):
        parts, size, x = [], 0, self.extra.random
        while size < length:
            i = int(x() * len(self.notes))
            parts.append(self.notes[i])
            size += self.note_sizes[i]
        return " ".join(parts)

    def sparsen(self, rec):
        """sparse-dates: per field per record, nullable ones 1/3 null, 1/3 zero date; the others 1/3 zero date."""
        x = self.extra.random
        for key, plain, nullable in DATE_FIELDS[self.endpoint]:
            if key in rec:
                u = x()
                zero = "0000-00-00" if plain else "0000-00-00 00:00:00"
                if nullable:
                    rec[key] = None if u < 1 / 3 else zero if u < 2 / 3 else rec[key]
                elif u < 1 / 3:
                    rec[key] = zero

    def contact(self, n, cid):
        r, foreign = self.rng.random, self.shape["foreign"]
        first, first_ascii = person_name(r, foreign, FIRST, FOREIGN_FIRST, " ")
        last, last_ascii = person_name(r, foreign, LAST, FOREIGN_LAST, "-")
        if r() < 0.02:
            first = ""
        created = max(0, END - 3 * YEAR + (3 * YEAR * n) // self.total + int((r() - 0.5) * 172800))
        updated = max(created, END - YEAR) + int(r() * (END - max(created, END - YEAR)))
        cdate, created_local, created_utc = stamp(created)
        udate, updated_local, updated_utc = stamp(updated)
        org = pick_org(r, self.orgs) if r() < 0.55 else None
        style, digits = int(r() * 5), str(int(r() * 1000))
        local = [f"{first_ascii}.{last_ascii}", f"{first_ascii}{last_ascii}", f"{first_ascii[:1]}{last_ascii}",
                 f"{first_ascii}_{last_ascii}{digits}", f"{last_ascii}{digits}"][style] or f"user{cid}"
        domain = self.orgs[org][1] if org is not None and r() < 0.6 else FREE_MAIL[int(r() * len(FREE_MAIL))]
        bounced = r() < 0.03
        activity = created + int(r() * (END - created))
        rec = {
            "cdate": cdate, "email": f"{local}@{domain}",
            "phone": "" if r() < 0.35 else f"+1 {200 + int(r() * 800)} 555 {int(r() * 10000):04d}",
            "firstName": first, "lastName": last,
            "orgid": "0" if org is None else str(org + 1), "orgname": "" if org is None else self.orgs[org][0],
            "segmentio_id": "", "bounced_hard": "1" if bounced else "0", "bounced_soft": str(int(r() ** 6 * 4)),
            "bounced_date": DAYS[activity // 86400] if bounced else (None if r() < 0.5 else "0000-00-00"),
            "ip": "0" if r() < 0.4 else str(int(r() * 4294967295)),
            "ua": None if r() < 0.4 else "" if r() < 0.3 else AGENTS[int(r() * len(AGENTS))],
            "hash": f"{self.rng.getrandbits(128):032x}",
            "socialdata_lastcheck": None if r() < 0.6 else "0000-00-00 00:00:00",
            "email_local": "", "email_domain": domain, "sentcnt": str(int(r() ** 3 * 300)),
            "rating_tstamp": None if r() < 0.5 else "0000-00-00" if r() < 0.6 else DAYS[activity // 86400],
            "gravatar": str(int(r() ** 3 * 4)), "deleted": "1" if r() < 0.005 else "0", "anonymized": "0",
        }
        presence = r()  # adate and edate are left out of some records entirely
        if presence > 0.05:
            rec["adate"] = None if r() < 0.3 else stamp(activity)[0]
        rec["udate"] = udate
        if presence > 0.1:
            rec["edate"] = None if r() < 0.5 else stamp(activity)[0]
        rec.update({
            "deleted_at": None if r() < 0.7 else "0000-00-00 00:00:00",
            "created_utc_timestamp": created_utc, "updated_utc_timestamp": updated_utc,
            "created_timestamp": created_local, "updated_timestamp": updated_local,
            "created_by": None if r() < 0.6 else str(1 + int(r() * 12)),
            "updated_by": None if r() < 0.6 else str(1 + int(r() * 12)), "email_empty": False,
            "mpp_tracking": "1" if r() < 0.2 else "0", "scoreValues": [],
            "accountContacts": [str(900 + (org or 0))] if org is not None and r() < 0.3 else [],
        })
        if self.endpoint == "wide_contacts":
            rec.update(self.wide_fields(r, created))
        base = f"{ACCOUNT_URL}/contacts/{cid}/"
        links = {name: base + name for name in CONTACT_LINKS}
        links["contactAutomations"] += "?limit=1000&orders%5Blastdate%5D=DESC"
        rec.update({"links": links, "id": cid, "organization": None})
        return rec

    def wide_fields(self, r, created):
        """50 custom-field values as a flattening of fieldValues would put them on the contact: named by their
        lower-case personalization tags (the exporter's custom-field column names), values as the API sends them:
        strings (numbers too), `YYYY-MM-DD` dates, datetimes with an offset, `||a||b||` multi-selects, null unset."""
        def one(options):
            return options[int(r() * len(options))]

        def maybe(value, p_null):
            return None if r() < p_null else value

        def day(span_days, p_null=0.2):
            return maybe(DAYS[min(len(DAYS) - 1, created // 86400 + int(r() * span_days))], p_null)

        def moment(p_null):
            return maybe(stamp(created + int(r() * (END - created)))[0], p_null)

        city = one([("Chicago", "IL", "60614", "United States"), ("Austin", "TX", "73301", "United States"),
                    ("Holtsville", "NY", "00501", "United States"), ("Portland", "OR", "97205", "United States"),
                    ("Toronto", "ON", "M5V 2T6", "Canada"), ("London", "", "EC1A 1BB", "United Kingdom"),
                    ("Berlin", "", "10115", "Germany"), ("Sydney", "NSW", "2000", "Australia")])
        return {
            # 10 picklists (low cardinality), one a multi-select
            "lead_source": one(["Website", "Referral", "Webinar", "Trade show", "Paid search", "Partner"]),
            "customer_tier": maybe(one(["Bronze", "Silver", "Gold", "Platinum"]), 0.2),
            "industry": one(["Retail", "Healthcare", "Education", "SaaS", "Manufacturing", "Nonprofit", "Finance"]),
            "preferred_language": one(["en", "en", "en", "es", "fr", "de", "pt-BR", "ja"]),
            "region": one(["NA", "EMEA", "APAC", "LATAM"]),
            "lifecycle_stage": one(["Subscriber", "Lead", "MQL", "SQL", "Opportunity", "Customer", "Evangelist"]),
            "subscription_plan": one(["Lite", "Plus", "Professional", "Enterprise"]),
            "account_status": one(["active", "active", "active", "past_due", "cancelled"]),
            "tshirt_size": maybe(one(["XS", "S", "M", "L", "XL", "XXL"]), 0.4),
            "interests": one(["||Webinars||", "||Ebooks||Case studies||", "||Product updates||Events||Webinars||",
                              ""]),
            # 10 short free strings
            "job_title": one(["Marketing Manager", "CEO", "Owner", "Sales Director", "Office Manager", "VP Growth",
                              "Software Engineer", "Head of Customer Success", "Consultant", ""]),
            "department": one(["Marketing", "Sales", "IT", "Operations", "Finance", "HR", ""]),
            "city": city[0], "state_province": city[1], "postal_code": city[2], "country": city[3],
            "company_website": f"https://www.example{int(r() * 5000)}.com",
            "linkedin_url": maybe(f"https://www.linkedin.com/in/member-{int(r() * 10 ** 7)}", 0.5),
            "utm_campaign": one(["spring_sale_2025", "brand_awareness", "retargeting_q4", "newsletter", ""]),
            "referral_code": f"REF-{int(r() * 36 ** 5):07X}",
            # 10 integers as strings
            "employee_count": one(["1", "5", "12", "50", "200", "1000", "5000"]),
            "annual_revenue_usd": str(int(r() ** 3 * 5 * 10 ** 8)),
            "loyalty_points": str(int(r() * 20000)), "orders_count": str(int(r() ** 4 * 120)),
            "support_tickets": str(int(r() ** 5 * 40)), "nps_score": maybe(str(int(r() * 11)), 0.5),
            "seats_purchased": str(1 + int(r() ** 3 * 250)), "age": maybe(str(18 + int(r() * 60)), 0.3),
            "days_since_last_login": str(int(r() ** 2 * 400)), "login_count": str(int(r() ** 2 * 2500)),
            # 5 decimals as strings
            "lifetime_value": f"{r() ** 3 * 50000:.2f}", "avg_order_value": f"{5 + r() * 495:.2f}",
            "discount_rate": f"{int(r() * 6) * 0.05:.2f}", "lead_score": f"{r() * 100:.1f}",
            "account_balance": f"{(r() - 0.8) * 2000:.2f}",
            # 10 dates and datetimes
            "birthday": maybe(f"{1950 + int(r() * 55)}-{1 + int(r() * 12):02d}-{1 + int(r() * 28):02d}", 0.5),
            "contract_start": day(60), "contract_end": day(800, 0.4), "last_purchase_date": day(400, 0.3),
            "trial_end_date": day(30, 0.6), "renewal_date": day(700, 0.3),
            "last_login_at": moment(0.1), "demo_scheduled_at": moment(0.7), "signup_completed_at": moment(0.05),
            "last_support_contact_at": moment(0.5),
            # 5 mostly unset
            "secondary_email": maybe(f"alt{int(r() * 10 ** 6)}@{one(FREE_MAIL)}", 0.9),
            "assistant_name": maybe(one(["Pat Lee", "Jordan Diaz", "Sam Carter"]), 0.95),
            "partner_code": maybe(f"P{int(r() * 900) + 100}", 0.9),
            "churn_reason": maybe(one(["Price", "Missing feature", "Switched vendor", "Closed business"]), 0.92),
            "cancellation_note": maybe(self.notes[int(r() * len(self.notes))], 0.95),
        }

    def deal(self, n, did):
        r, orgs = self.rng.random, self.orgs
        group = 1 if (g := r()) < 0.6 else 2 if g < 0.8 else 3 if g < 0.92 else 4
        stages = STAGES[group]
        created = END - 2 * YEAR + (2 * YEAR * n) // self.total + int((r() - 0.5) * 172800)
        modified = max(created, END - YEAR) + int(r() * (END - max(created, END - YEAR)))
        org = pick_org(r, orgs) if r() < 0.65 else None
        account = None if r() < 0.5 else str(1 + pick_org(r, orgs))
        currency, cents = self.amounts[n]
        probability = None if r() < 0.4 else int(r() * 101)
        nextdate = None if r() < 0.45 else stamp(modified + int(r() * 60 * 86400))[0]
        close = r()
        description = r()
        base = f"/api/3/deals/{did}/"
        return {
            "hash": f"{self.rng.getrandbits(32):08x}", "owner": str(1 + int(r() ** 2 * 12)),
            "contact": None if r() < 0.04 else str(1001 + int(r() * 2 * self.total)),
            "organization": None if org is None else str(org + 1), "group": str(group),
            "stage": str(stages[int(r() * len(stages))]),
            "title": f"{orgs[pick_org(r, orgs) if org is None else org][0]} - {PRODUCTS[int(r() * len(PRODUCTS))]}",
            "description": (None if description < 0.25 else "" if description < 0.35
                            else " ".join(self.notes[int(r() * len(self.notes))] for _ in range(1 + int(r() * 3)))),
            "percent": "0" if r() < 0.85 else str(10 * (1 + int(r() * 9))),
            "cdate": stamp(created)[0], "mdate": stamp(modified)[0], "nextdate": nextdate,
            "nexttaskid": None if nextdate is None else str(5000 + n), "value": str(cents), "currency": currency,
            "winProbability": probability,
            "winProbabilityMdate": (None if probability is None
                                    else stamp(max(created, modified - int(r() * 20 * 86400)))[0]),
            "status": "0" if (s := r()) < 0.6 else "1" if s < 0.85 else "2", "activitycount": str(int(r() ** 2 * 40)),
            "nextdealid": None if r() < 0.3 else did,
            "edate": (None if close < 0.3 else "0000-00-00 00:00:00" if close < 0.45
                      else naive(created + int(r() * 180) * 86400 + 43200)),
            "links": {name: base + name for name in DEAL_LINKS},
            "id": did, "isDisabled": False, "account": account, "customerAccount": account,
        }


def currency_totals(amounts):
    """meta.currencies of /deals: per upper-case code the number of deals and their value in cents ([] if none)."""
    sums = {}
    for code, cents in amounts:
        count, value = sums.get(code.upper(), (0, 0))
        sums[code.upper()] = (count + 1, value + cents)
    return json.dumps({code: {"currency": code, "total": str(count), "value": str(value)}
                       for code, (count, value) in sums.items()}, separators=(",", ":")) if sums else "[]"


def page_body(endpoint, records, page, total, cacheid, currencies):
    """The list response around a page of records, as GET /contacts and GET /deals send it."""
    joined = ",".join(records)
    if endpoint == "deals":
        return f'{{"deals":[{joined}],"meta":{{"total":{total},"currencies":{currencies}}}}}'
    page_input = (f'{{"segmentid":0,"formid":0,"listid":0,"tagid":0,"limit":{PAGE_SIZE},"offset":{page * PAGE_SIZE},'
                  f'"search":null,"sort":null,"seriesid":0,"waitid":0,"status":-1,"forceQuery":0,'
                  f'"cacheid":"{cacheid}"}}')
    return f'{{"scoreValues":[],"contacts":[{joined}],"meta":{{"total":"{total}","page_input":{page_input}}}}}'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", required=True, choices=["contacts", "deals", "wide_contacts"])
    parser.add_argument("--shape", required=True, choices=list(SHAPES))
    parser.add_argument("--records", required=True, type=int)
    parser.add_argument("--pages", required=True)
    parser.add_argument("--ndjson", required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    generator = Generator(args.endpoint, args.shape, args.seed, args.records)
    currencies = currency_totals(generator.amounts) if args.endpoint == "deals" else ""
    cacheid = f"{random.Random(args.seed).getrandbits(128):032x}"
    os.makedirs(args.pages, exist_ok=True)
    total_bytes = 0
    with open(args.ndjson, "wb") as ndjson:
        for page, start in enumerate(range(0, args.records, PAGE_SIZE)):
            records = [generator.record(n) for n in range(start, min(start + PAGE_SIZE, args.records))]
            body = page_body(args.endpoint, records, page, args.records, cacheid, currencies).encode()
            with open(os.path.join(args.pages, f"page-{page:07d}.json"), "wb") as out:
                out.write(body)
            lines = "\n".join(records).encode() + b"\n"
            ndjson.write(lines)
            total_bytes += len(lines) - len(records)
    print(json.dumps({"records": args.records, "bytes": total_bytes}))


if __name__ == "__main__":
    main()
