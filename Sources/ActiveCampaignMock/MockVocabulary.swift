/// Word pools for the synthetic records. Deliberately mixed: accents, ß, CJK, emoji, apostrophes, quotes,
/// backslashes, slashes and newlines, so that every escaping path of a JSON reader is exercised.
enum MockVocabulary {
    /// (display name, ASCII form used in e-mail addresses)
    static let firstNames: [(String, String)] = [
        ("Marta", "marta"), ("José", "jose"), ("Zoë", "zoe"), ("Jürgen", "juergen"), ("Søren", "soren"),
        ("Ana", "ana"), ("François", "francois"), ("Ngozi", "ngozi"), ("Aarav", "aarav"), ("Yuki", "yuki"),
        ("Liam", "liam"), ("Olivia", "olivia"), ("Chloé", "chloe"), ("Mateo", "mateo"), ("Émile", "emile"),
        ("Hana", "hana"), ("Noah", "noah"), ("Amélie", "amelie"), ("Björn", "bjorn"), ("Priya", "priya"),
    ]
    static let lastNames: [(String, String)] = [
        ("Quill", "quill"), ("Müller", "mueller"), ("Weiß", "weiss"), ("García", "garcia"), ("O'Connor", "oconnor"),
        ("田中", "tanaka"), ("Smith", "smith"), ("Dvořák", "dvorak"), ("Nguyễn", "nguyen"), ("Johnson", "johnson"),
        ("Kowalski", "kowalski"), ("Rossi", "rossi"), ("Andersson", "andersson"), ("Okafor", "okafor"),
        ("Brown", "brown"), ("Łukasik", "lukasik"), ("Schröder", "schroeder"), ("Dubois", "dubois"),
        ("Patel", "patel"), ("van der Berg", "vanderberg"),
    ]
    static let domains = ["example.org", "example.com", "example.net", "mail.example.de", "example.co.jp"]
    static let companies = [
        "Northwind Traders", "Contoso Ltd.", "Fabrikam, Inc.", "Großhandel Süd GmbH", "東京商事",
        "Acme \"Rockets\" Co.", "Tailspin/Toys", "Café Olé 🍩", "Wide World Importers", "Adventure Works",
    ]
    static let userAgents = [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
    ]
    static let dealTitles = [
        "Renewal 2024", "Annual licence – 40 seats", "Pilot \"Phase 2\"", "Upsell: Großkunde", "日本 expansion",
        "Support plan 🚀", "Migration C:\\legacy\\crm", "Q3 / Q4 bundle",
    ]
    static let notes = [
        "Called them — said \"yes\" 👍\nFollow up next week.",
        "Prefers e-mail; CC: ops/finance.",
        "Budget approved.\r\nSend contract to Weiß.",
        "Path on their side: \\\\fileserver\\share\\quotes",
        "会議は来週です。",
        "Tab\tseparated\tnotes",
        "",
    ]
    static let tagNames = [
        "customer", "lead", "VIP ⭐", "newsletter", "webinar-2024", "trial/expired", "händler", "churn risk",
        "\"quoted\" tag", "日本",
    ]
    static let listNames = [
        "Newsletter", "Product updates", "Kunden (DE)", "Événements", "Beta testers", "Partners/Resellers",
        "Webinar attendees", "お知らせ", "Cold leads", "Customers 💼",
    ]
    static let fieldTypes = ["text", "textarea", "dropdown", "radio", "checkbox", "date", "hidden", "listbox", "", "datetime"]
    static let stageTitles = ["To Contact", "In Contact", "Qualified", "Proposal", "Negotiation", "Won/Closing"]
    static let colors = ["2E86C1", "1ABC9C", "F39C12", "E74C3C", "8E44AD", "34495E"]
    static let dealOrders = ["next-action DESC", "title ASC", "value DESC", "cdate ASC"]
    static let currencies = ["usd", "usd", "usd", "usd", "eur", "gbp"]
    static let automationNames = [
        "Welcome series", "Abandoned cart", "Re-engagement 😴", "Lead scoring", "Birthday 🎂", "Onboarding (DE) – Schritt 1",
    ]
    static let campaignNames = [
        "Spring sale", "Monthly newsletter", "Produkt-Update März", "Black Friday 🛍", "Webinar invite \"Live\"",
    ]
    static let formNames = ["Footer signup", "Contact us", "Download whitepaper", "Anmeldung", "Demo request"]
}
