"""The bench's knowledge base: BENCH_KB_ARTICLES (default 25,000) articles, each written in
Spanish, English, Portuguese and French: 100,000 published texts.

Their words are the demo's articles (knowledge/demo/), so each language has its own
real vocabulary and stems: an article takes one demo article's title, summary, tags
and some of its sections, borrows a section of another, and names the equipment,
site and incident code it applies to (60 devices, 80 sites, 4,000 codes). A query of
the words many articles share ("internet", "factura") matches thousands of texts; a
topic with a device ("reiniciar router mikrotik"), or an incident code, tens to a
couple of hundred. Most articles are for every client; about 2 % are internal and
3 % limited to one bench organisation, and 0.5 % are scheduled for next month.

Written with COPY in one transaction, like the tickets and wishes (the stored
vector is a generated column: PostgreSQL computes it as the rows arrive), then the
GIN indexes' pending lists are merged and the tables analysed. A later run tops the
texts up to four per BENCH_KB_ARTICLES, or skips. Bench texts are those written by
the bench's agents (updated_by).
"""

import os
import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from bench.copyload import CopyLoader

ARTICLES = int(os.environ.get("BENCH_KB_ARTICLES", "25000"))
CHUNK = 2_500  # articles generated and copied at a time
LANGUAGES = ("es", "en", "pt", "fr")
INTERNAL, LIMITED, SCHEDULED = 0.02, 0.03, 0.005

DEVICES = [
    *(f"Huawei {m}" for m in ("HG8245H", "HG8145V5", "EG8145X6", "HN8255WS", "OptiXstar K662c")),
    *(f"ZTE {m}" for m in ("F660", "F670L", "F680", "F6600P", "ZXHN H199A")),
    *(f"Nokia {m}" for m in ("G-240W-F", "G-2425G-A", "XS-2426G-B", "Beacon 6")),
    *(f"MikroTik {m}" for m in ("hAP ac2", "hAP ax3", "RB4011", "CCR2004", "hEX S")),
    *(f"FortiGate {m}" for m in ("40F", "60F", "80F", "100F")),
    *(f"Ubiquiti {m}" for m in ("U6-Lite", "U6-Pro", "U6-LR", "UDM Pro", "USW-24")),
    *(f"Cisco {m}" for m in ("ISR 1111", "Catalyst 1000", "Meraki MR36", "Meraki MX68")),
    *(f"TP-Link {m}" for m in ("Archer AX55", "Deco X20", "Omada EAP245", "ER605")),
    *(f"Aruba {m}" for m in ("AP-505", "Instant On AP22", "2930F")),
    *(f"Fibrain {m}" for m in ("ONT 1G", "ONT 2.5G")),
    *(f"Grandstream {m}" for m in ("GWN7660", "HT812", "UCM6302")),
    *(f"Yealink {m}" for m in ("T54W", "W73P")),
    *(f"Teltonika {m}" for m in ("RUTX11", "RUT241", "RUTM50")),
    *(f"Sophos {m}" for m in ("XGS 87", "XGS 116")),
    *(f"Zyxel {m}" for m in ("USG Flex 100", "NWA50AX")),
    *(f"Draytek {m}" for m in ("Vigor 2865", "Vigor 2927")),
    *(f"Intelbras {m}" for m in ("WiFiber 121 AC", "ACtion RG 1200")),
    "Sagemcom F@st 5670",
    "Technicolor CGA4233",
]
SITES = [
    *("Providencia", "Las Condes", "Ñuñoa", "Maipú", "Valparaíso", "Viña del Mar", "Concepción"),
    *("Temuco", "Antofagasta", "La Serena", "Rancagua", "Talca", "Puerto Montt", "Iquique"),
    *("Mendoza", "Córdoba", "Rosario", "Montevideo", "Lima", "Arequipa", "Bogotá", "Medellín"),
    *("Cali", "Quito", "Guayaquil", "Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao"),
    *("São Paulo", "Campinas", "Santos", "Curitiba", "Porto Alegre", "Florianópolis"),
    *("Belo Horizonte", "Rio de Janeiro", "Niterói", "Salvador", "Recife", "Fortaleza"),
    *("Brasília", "Goiânia", "Manaus", "Belém", "Lisboa", "Porto", "Coimbra", "Braga"),
    *("Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Lille", "Nantes", "Strasbourg"),
    *("Montpellier", "Rennes", "Grenoble", "Nice", "Bruxelles", "Liège", "Genève", "Lausanne"),
    *("London", "Manchester", "Bristol", "Leeds", "Glasgow", "Edinburgh", "Cardiff", "Dublin"),
    *("Cork", "Birmingham", "Liverpool", "Sheffield", "Norwich", "Reading", "Oxford"),
]
CODES = 4_000  # incident codes E1000..E4999: each in about 25 texts
APPLIES = {
    "es": "Este artículo se aplica a los equipos {device} de la sede {site}. Código de "
    "incidencia: {code}.",
    "en": "This article applies to the {device} at the {site} site. Incident code: {code}.",
    "pt": "Este artigo se aplica aos equipamentos {device} do local {site}. Código de "
    "ocorrência: {code}.",
    "fr": "Cet article concerne les équipements {device} du site {site}. Code d'incident : {code}.",
}
TITLE = "{title} ({device})"

ARTICLE_COLUMNS = [
    "id",
    "category_id",
    "status",
    "publish_at",
    "visibility",
    "original_language",
    "views",
    "created_at",
    "updated_at",
]
TEXT_COLUMNS = [
    "id",
    "article_id",
    "language",
    "title",
    "summary",
    "body",
    "tags",
    "revision",
    "source_revision",
    "updated_at",
    "updated_by_id",
]
LIMIT_COLUMNS = ["id", "article_id", "organisation_id"]
LOADED_TABLES = [
    "knowledge_article",
    "knowledge_articletranslation",
    "knowledge_article_organisations",
]


def bench_texts():
    from knowledge.models import ArticleTranslation

    return ArticleTranslation.objects.filter(updated_by__email__endswith="@bench.test")


def seed(target: int | None = None) -> bool:
    """Top the bench's texts up to four per `target` article (BENCH_KB_ARTICLES)."""
    target = (ARTICLES if target is None else target) * len(LANGUAGES)
    if bench_texts().count() >= target:
        return False
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Two `make bench` at once must not both load.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bench.seed.knowledge'))")
        missing = target - bench_texts().count()
        if missing <= 0:
            return False
        _Loader().load(-(-missing // len(LANGUAGES)))
        with connection.cursor() as cursor:
            # COPY leaves most of the new index entries in the GIN indexes' pending
            # lists, which every search reads through until a VACUUM merges them.
            for index in ("kb_text_search", "kb_text_title_trgm"):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute(f"ANALYZE {', '.join(LOADED_TABLES)}")
    return True


def _corpus():
    """Per language, the demo's published articles that have a text in every language:
    (title, summary, tags, sections), in the same order for each language."""
    from knowledge.demo import DOCS

    docs = [
        doc
        for doc in DOCS
        if not doc.draft and doc.days > 0 and doc.visibility == "all"
        if all(code in doc.texts for code in LANGUAGES)
    ]
    return {
        code: [
            (
                doc.texts[code].title,
                doc.texts[code].summary,
                doc.texts[code].tags,
                [part.strip() for part in doc.texts[code].body.split("\n\n") if part.strip()],
            )
            for doc in docs
        ]
        for code in LANGUAGES
    }


def _columns(model, names) -> dict:
    """The model's other columns, with their defaults; never a generated one."""
    from bench.seed import _other_columns

    generated = {f.column for f in model._meta.concrete_fields if getattr(f, "generated", False)}
    return {k: v for k, v in _other_columns(model, names).items() if k not in generated}


class _Loader(CopyLoader):
    tables = LOADED_TABLES

    def __init__(self):
        from django.contrib.auth import get_user_model

        from accounts.models import Organisation
        from knowledge.demo import load_categories

        self.rng = random.Random(20261205)
        self.now = timezone.now()
        self.corpus = _corpus()
        self.docs = len(self.corpus["es"])
        categories = load_categories()
        self.categories = [c.pk for c in categories.values() if c.parent_id is not None]
        self.orgs = list(
            Organisation.objects.filter(slug__startswith="bench-").values_list("pk", flat=True)
        )
        self.writers = list(
            get_user_model()
            .objects.filter(is_staff=True, email__endswith="@bench.test")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not self.writers:
            raise RuntimeError("seed the bench's agents first (bench.seed._seed_agents)")

    def load(self, count: int):
        from knowledge.models import Article, ArticleTranslation

        self.columns = {
            "knowledge_article": (ARTICLE_COLUMNS, _columns(Article, ARTICLE_COLUMNS)),
            "knowledge_articletranslation": (
                TEXT_COLUMNS,
                _columns(ArticleTranslation, TEXT_COLUMNS),
            ),
            "knowledge_article_organisations": (LIMIT_COLUMNS, {}),
        }
        self._load_chunks(count, self._article, CHUNK)

    def _article(self, rows):
        rng = self.rng
        article_id = self._id("knowledge_article")
        created = self.now - timedelta(days=3 * 365) * rng.random()
        updated = created + (self.now - created) * rng.random()
        luck = rng.random()
        visibility = "internal" if luck < INTERNAL else "all"
        if INTERNAL <= luck < INTERNAL + LIMITED and self.orgs:
            visibility = "organisations"
            rows["knowledge_article_organisations"].append(
                (self._id("knowledge_article_organisations"), article_id, rng.choice(self.orgs))
            )
        publish_at = created + timedelta(hours=rng.randint(1, 72))
        if rng.random() < SCHEDULED:
            publish_at = self.now + timedelta(days=rng.randint(1, 30))
        rows["knowledge_article"].append(
            (
                article_id,
                rng.choice(self.categories),
                "published",
                min(publish_at, updated) if publish_at <= self.now else publish_at,
                visibility,
                rng.choice(LANGUAGES),
                int(rng.paretovariate(1.2) * 10),
                created,
                updated,
            )
        )
        doc = rng.randrange(self.docs)
        other = rng.randrange(self.docs)
        device, site = rng.choice(DEVICES), rng.choice(SITES)
        code = f"E{rng.randrange(1000, 1000 + CODES)}"
        writer = rng.choice(self.writers)
        for language in LANGUAGES:
            title, summary, tags, sections = self.corpus[language][doc]
            kept = [s for s in sections if rng.random() < 0.7] or sections[:1]
            borrowed = rng.choice(self.corpus[language][other][3])
            body = "\n\n".join(
                [APPLIES[language].format(device=device, site=site, code=code), *kept, borrowed]
            )
            rows["knowledge_articletranslation"].append(
                (
                    self._id("knowledge_articletranslation"),
                    article_id,
                    language,
                    TITLE.format(title=title, device=device)[:200],
                    summary,
                    body,
                    f"{tags}, {device.lower()}, {code}"[:300],
                    1,
                    1,
                    updated,
                    writer,
                )
            )
