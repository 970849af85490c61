"""Demo centres and partner organisations: the network as it looks in the programme."""

import zlib
from decimal import Decimal

from .models import Centre, PartnerOrganisation

EMPLOYMENT_SERVICES = {
    "AL": "National Agency for Employment and Skills",
    "BA": "Employment Institute",
    "XK": "Employment Agency of the Republic of Kosovo",
    "ME": "Employment Agency of Montenegro",
    "MK": "Employment Service Agency",
    "RS": "National Employment Service",
}

# (country, code, city, latitude, longitude, languages)
CENTRES = [
    ("RS", "BG", "Belgrade", "44.8125", "20.4612", ["sr", "en", "de"]),
    ("RS", "NS", "Novi Sad", "45.2671", "19.8335", ["sr", "hu", "en"]),
    ("RS", "NI", "Niš", "43.3209", "21.8958", ["sr", "en"]),
    ("RS", "KG", "Kragujevac", "44.0128", "20.9114", ["sr", "en", "it"]),
    ("RS", "SU", "Subotica", "46.1003", "19.6658", ["sr", "hu", "de"]),
    ("RS", "NP", "Novi Pazar", "43.1367", "20.5122", ["sr", "bs", "de"]),
    ("RS", "KV", "Kraljevo", "43.7258", "20.6897", ["sr", "en"]),
    ("AL", "TR", "Tirana", "41.3275", "19.8187", ["sq", "en", "it"]),
    ("AL", "SH", "Shkodër", "42.0683", "19.5126", ["sq", "it"]),
    ("AL", "DR", "Durrës", "41.3246", "19.4565", ["sq", "it", "en"]),
    ("AL", "EL", "Elbasan", "41.1125", "20.0822", ["sq", "en"]),
    ("AL", "KO", "Korçë", "40.6186", "20.7808", ["sq", "el", "en"]),
    ("BA", "SA", "Sarajevo", "43.8563", "18.4131", ["bs", "en", "de"]),
    ("BA", "BL", "Banja Luka", "44.7722", "17.1910", ["sr", "de", "en"]),
    ("BA", "MO", "Mostar", "43.3438", "17.8078", ["hr", "bs", "de"]),
    ("BA", "TZ", "Tuzla", "44.5384", "18.6671", ["bs", "de"]),
    ("XK", "PR", "Pristina", "42.6629", "21.1655", ["sq", "sr", "en", "de"]),
    ("XK", "PZ", "Prizren", "42.2139", "20.7397", ["sq", "tr", "de"]),
    ("XK", "PE", "Peja", "42.6591", "20.2883", ["sq", "en"]),
    ("XK", "MI", "Mitrovica", "42.8914", "20.8660", ["sq", "sr"]),
    ("ME", "PG", "Podgorica", "42.4304", "19.2594", ["sr", "en"]),
    ("ME", "NK", "Nikšić", "42.7731", "18.9445", ["sr", "en"]),
    ("ME", "BP", "Bijelo Polje", "43.0383", "19.7476", ["sr", "de"]),
    ("MK", "SK", "Skopje", "41.9981", "21.4254", ["mk", "sq", "en", "de"]),
    ("MK", "BT", "Bitola", "41.0297", "21.3292", ["mk", "en"]),
    ("MK", "TE", "Tetovo", "42.0069", "20.9715", ["sq", "mk", "de"]),
    ("MK", "ST", "Štip", "41.7464", "22.1997", ["mk", "de"]),
]

# (country, name, city, services)
PARTNERS = [
    ("RS", "Centre for Social Work Belgrade", "Belgrade", ["social", "housing"]),
    ("RS", "Free Legal Aid Office Novi Sad", "Novi Sad", ["legal", "consular"]),
    ("RS", "Regional Chamber of Commerce Niš", "Niš", ["business", "employment"]),
    ("RS", "Anti-Trafficking Helpline Serbia", "Belgrade", ["anti_trafficking", "health"]),
    ("RS", "Adult Education Centre Kragujevac", "Kragujevac", ["training", "education"]),
    ("AL", "Vocational Training Centre Tirana", "Tirana", ["training"]),
    ("AL", "Legal Clinic for Migrants Shkodër", "Shkodër", ["legal", "consular"]),
    ("AL", "Reintegration Desk Durrës", "Durrës", ["social", "business", "housing"]),
    ("BA", "Centre for Social Welfare Sarajevo", "Sarajevo", ["social", "health"]),
    ("BA", "Diploma Recognition Office Banja Luka", "Banja Luka", ["education"]),
    ("BA", "Start-up Incubator Tuzla", "Tuzla", ["business", "training"]),
    ("XK", "Municipal Office for Returns Pristina", "Pristina", ["social", "housing", "consular"]),
    ("XK", "Vocational Training Centre Prizren", "Prizren", ["training", "employment"]),
    ("ME", "Free Legal Aid Service Podgorica", "Podgorica", ["legal"]),
    ("ME", "Chamber of Economy Nikšić", "Nikšić", ["business", "employment"]),
    ("MK", "Centre for Social Work Skopje", "Skopje", ["social", "health"]),
    ("MK", "Open Gate Helpline", "Skopje", ["anti_trafficking", "legal"]),
    ("MK", "Vocational Education Centre Bitola", "Bitola", ["training", "education"]),
]


def _slug(city: str) -> str:
    return city.lower().replace(" ", "-").translate(str.maketrans("šžčćđëç", "szccdec"))


def seed(log) -> None:
    for country, code, city, lat, lon, languages in CENTRES:
        service = EMPLOYMENT_SERVICES[country]
        Centre.objects.update_or_create(
            country=country,
            code=code,
            defaults={
                "name": f"Migrant Service Centre {city}",
                "city": city,
                "host_office": f"{service}, {city} office",
                "address": f"{(len(city) * 7) % 90 + 1} Employment Street, {city}",
                "phone": f"+000 {len(city):02d} {zlib.crc32(code.encode()) % 900000 + 100000}",
                "email": f"msc.{_slug(city)}@example.org",
                "opening_hours": "Mon–Fri 8:00–16:00",
                "languages": languages,
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
                "is_active": True,
            },
        )
    for country, name, city, services in PARTNERS:
        PartnerOrganisation.objects.update_or_create(
            country=country,
            name=name,
            defaults={
                "city": city,
                "services": services,
                "email": f"contact@{_slug(name)}.example.org",
                "website": f"https://{_slug(name)}.example.org",
            },
        )
    log(f"{len(CENTRES)} centres and {len(PARTNERS)} partner organisations.")
