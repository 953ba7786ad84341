"""The stories of the demo news web, written for this project.

Each story is plain text (a title and paragraphs); `newsradar.demo.sites` turns a
story into the page a given publisher would serve. The texts describe real events of
22-24 November 2025 (the G20 summit in Johannesburg, the Indian economy, Japanese
politics) in our own words; none of them is copied from a publisher.

Which names appear where is deliberate: the demo watches `Modi + Takaichi`, and each
story below exists to show one way a page can, or must not, match that watch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

IST = timezone(timedelta(hours=5, minutes=30), "IST")
JST = timezone(timedelta(hours=9), "JST")


class DemoError(ValueError):
    """Bad input to the demo web's builders, explained in one sentence."""


@dataclass(frozen=True)
class Story:
    """One news story as its newsroom wrote it, before any site template."""

    slug: str
    title: str
    paragraphs: list[str]
    published: datetime
    modified: datetime | None = None
    authors: list[str] = field(default_factory=list)
    section: str = "News"
    lang: str = "en"
    summary: str = ""
    image: str | None = None

    def __post_init__(self) -> None:
        if self.published.tzinfo is None or self.published.utcoffset() is None:
            raise DemoError(f"Story {self.slug!r} needs a timezone-aware publication time.")
        if self.modified is not None and self.modified.utcoffset() is None:
            raise DemoError(f"Story {self.slug!r} needs a timezone-aware modification time.")
        if not self.paragraphs:
            raise DemoError(f"Story {self.slug!r} has no paragraphs.")

    @property
    def last_modified(self) -> datetime:
        """The time the story last changed: its modification time, else publication."""
        return self.modified or self.published

    @property
    def text(self) -> str:
        """Title and body as plain text, one paragraph a line."""
        return "\n".join([self.title, *self.paragraphs])


# 1. The story the product was built for: both leaders, fresh. The one demo alert.
TAKAICHI_MODI_G20 = Story(
    slug="takaichi-modi-pledge-closer-chip-and-ai-cooperation-at-g20",
    title="Takaichi, Modi pledge closer chip and AI cooperation in first meeting at G20",
    summary=(
        "Japan's new prime minister met Narendra Modi for about 35 minutes in "
        "Johannesburg and promised results under the two countries' ten-year joint vision."
    ),
    paragraphs=[
        "Japan wants to work more closely with India on semiconductors, artificial "
        "intelligence and other critical technologies, Prime Minister Sanae Takaichi told "
        "Prime Minister Narendra Modi when the two leaders met in Johannesburg on Sunday, "
        "on the margins of the G20 summit.",
        "The talks, their first in person since Takaichi took office in October, started at "
        "1.40 pm South African time and ran for roughly 35 minutes, according to a readout "
        "from Japan's Ministry of Foreign Affairs.",
        "Modi opened by congratulating Takaichi on becoming prime minister and said he was "
        "glad the two could meet face to face. Takaichi thanked him, offered Japan's "
        "sympathy to the families of those killed in the recent terror attack in Delhi and "
        "wished the injured a quick recovery.",
        "Takaichi said she intended to build a stronger and more prosperous partnership "
        "with India together with Modi. Tokyo, she said, would treat the Japan-India Joint "
        "Vision for the Next Decade, adopted when Modi visited Japan, as the basis for "
        "concrete outcomes in defence and security, trade and investment, and exchanges "
        "between people.",
        "According to the Japanese readout, she proposed pooling the strengths of both "
        "economies to drive innovation in emerging fields such as chips and AI, and giving "
        "practical shape to cooperation on economic security. Modi replied that India wanted "
        "to move ahead with specific projects in those areas.",
        "The two prime ministers also agreed to keep working together towards an "
        "Indo-Pacific region that stays free and open.",
        "India's Ministry of External Affairs said both sides described each other as "
        "trusted friends and valued partners, and stressed that close ties between New Delhi "
        "and Tokyo matter for peace, stability and prosperity in the region and beyond. They "
        "agreed to stay in contact and to meet again soon.",
        "Modi was in Johannesburg on November 22 and 23 for the summit, the first G20 "
        "leaders' meeting held in Africa, and met several heads of government between "
        "sessions.",
    ],
    published=datetime(2025, 11, 24, 6, 48, tzinfo=IST),
    modified=datetime(2025, 11, 24, 6, 50, tzinfo=IST),
    authors=["BS Web Team"],
    section="World News",
    image="https://bsmedia.business-standard.com/_media/bs/img/article/2025-11/24/full/takaichi-modi-g20.jpg",
)

# 2. Modi only: no Takaichi anywhere on the page.
MODI_G20_BILATERALS = Story(
    slug="modi-meets-carney-meloni-lula-on-g20-sidelines-in-johannesburg",
    title="Modi meets Carney, Meloni and Lula on G20 sidelines; India, Canada to restart trade talks",
    summary=(
        "The Prime Minister held a string of bilateral meetings on the second day of the "
        "Johannesburg summit."
    ),
    paragraphs=[
        "Prime Minister Narendra Modi held talks with Canadian Prime Minister Mark Carney, "
        "Italian Prime Minister Giorgia Meloni and Brazilian President Luiz Inacio Lula da "
        "Silva on Sunday, on the second day of the G20 summit in Johannesburg.",
        "Modi and Carney agreed that negotiators from both countries would begin work on a "
        "comprehensive economic partnership, a sign that relations are warming after two "
        "difficult years. Officials said trade in energy, critical minerals and education "
        "would be early priorities.",
        "With Meloni, Modi discussed a joint effort against the financing of terrorism and "
        "reviewed the India-Italy strategic action plan on trade, defence and clean energy.",
        "Modi also joined Lula and South African President Cyril Ramaphosa for a meeting of "
        "the IBSA grouping, where he called for reform of the UN Security Council and closer "
        "cooperation among democracies of the Global South.",
        "Writing on social media after the meetings, Modi said India valued its friendships "
        "across continents and looked forward to turning the conversations into results.",
    ],
    published=datetime(2025, 11, 23, 21, 40, tzinfo=IST),
    modified=datetime(2025, 11, 23, 22, 5, tzinfo=IST),
    authors=["Press Trust of India"],
    section="India News",
)

# 3. Modi in the body; Takaichi only in the page's trending sidebar and site data.
MODI_G20_PROPOSALS = Story(
    slug="modi-proposes-g20-skills-plan-for-africa-and-drug-terror-initiative",
    title="At G20, Modi proposes skills plan for Africa and a joint push against drug-terror nexus",
    summary=(
        "Addressing the first session of the summit, the Prime Minister set out three "
        "proposals for the group."
    ),
    paragraphs=[
        "Prime Minister Narendra Modi on Saturday asked G20 members to back a skills "
        "programme for Africa that would train a million teachers and trainers over the "
        "next ten years, in his address to the opening session of the summit in "
        "Johannesburg.",
        "Modi also proposed a G20 initiative to counter the links between drug trafficking "
        "and terror financing, arguing that synthetic drugs such as fentanyl had become a "
        "threat to public health and security alike.",
        "A third proposal was a global repository of traditional knowledge, which Modi said "
        "would help countries preserve practices in medicine, agriculture and ecology and "
        "share them responsibly.",
        "He said development models that ignored nature and people had left many countries "
        "behind, and that the G20 should measure growth by how widely its benefits are "
        "shared.",
        "India handed the G20 presidency to Brazil in 2023; South Africa holds it this year "
        "and will pass it to the United States.",
    ],
    published=datetime(2025, 11, 22, 22, 30, tzinfo=IST),
    modified=None,
    authors=["Archis Mohan"],
    section="World News",
)

# 4. Takaichi only, on The Japan Times: Japanese domestic politics.
TAKAICHI_EXTRA_BUDGET = Story(
    slug="takaichi-extra-budget-diet-after-g20",
    title="Back from G20, Takaichi faces Diet fight over extra budget",
    summary=(
        "The prime minister needs opposition votes in the upper house to pass the "
        "spending that funds her ¥21.3 trillion economic package."
    ),
    paragraphs=[
        "Prime Minister Sanae Takaichi returned to Tokyo on Monday after the Group of 20 "
        "summit in South Africa, turning straight to the supplementary budget that must pay "
        "for the economic package her Cabinet approved on Friday.",
        "The package, worth ¥21.3 trillion including spending by local governments, "
        "combines subsidies for electricity and gas bills with support for households and "
        "investment in shipbuilding, semiconductors and other strategic industries.",
        "Because the ruling Liberal Democratic Party and its partner Nippon Ishin no Kai "
        "lack a majority in the House of Councillors, the government will need help from at "
        "least one opposition party to pass the extra budget before the year ends.",
        "Opposition lawmakers say the package adds to Japan's debt without a clear plan to "
        "pay for it, while market watchers are tracking the yen and long-term bond yields "
        "for signs of strain.",
        "Takaichi did not hold talks with Chinese Premier Li Qiang in Johannesburg, as a "
        "diplomatic row over her remarks in parliament about Taiwan continued to weigh on "
        "relations with Beijing.",
    ],
    published=datetime(2025, 11, 24, 11, 20, tzinfo=JST),
    modified=datetime(2025, 11, 24, 12, 5, tzinfo=JST),
    authors=["Gabriel Dominguez"],
    section="Politics",
)

# 5. Modi on The Hindu; Takaichi only inside an inline "Also Read" link paragraph.
MODI_RETURNS_FROM_G20 = Story(
    slug="modi-returns-after-g20-summit-ibsa-meeting-johannesburg",
    title="Modi returns home after G20 summit, says Johannesburg gave Global South a louder voice",
    summary=(
        "The Prime Minister's three-day visit included the summit, an IBSA meeting and "
        "talks with Indian-origin residents."
    ),
    paragraphs=[
        "Prime Minister Narendra Modi left Johannesburg late on Sunday at the end of a "
        "three-day visit to South Africa for the G20 leaders' summit, the first hosted on "
        "the African continent.",
        "Before departing, Modi said the summit had given developing countries a stronger "
        "say on debt, climate finance and disaster resilience, issues India had championed "
        "during its own presidency in 2023.",
        "Officials said the Prime Minister held more than a dozen meetings on the sidelines, "
        "including with the leaders of Canada, Italy, Brazil, France and the United "
        "Kingdom.",
        "Modi thanked President Cyril Ramaphosa for South Africa's hospitality and met "
        "members of the Indian community in Johannesburg, praising their contribution to "
        "the country's economy.",
        "The next G20 summit will be held in the United States in 2026.",
    ],
    published=datetime(2025, 11, 24, 1, 10, tzinfo=IST),
    modified=datetime(2025, 11, 24, 7, 45, tzinfo=IST),
    authors=["Kallol Bhattacherjee"],
    section="India",
)

# 6. Both leaders, but a month old: stored, never alerted (outside the freshness window).
MODI_CONGRATULATES_TAKAICHI = Story(
    slug="modi-congratulates-sanae-takaichi-japan-prime-minister",
    title="Modi congratulates Sanae Takaichi on her election as Japan's Prime Minister",
    summary="Modi said he looked forward to working with Japan's first woman Prime Minister.",
    paragraphs=[
        "Prime Minister Narendra Modi on Tuesday congratulated Sanae Takaichi on being "
        "elected Prime Minister of Japan, the first woman to hold the office.",
        "In a post on X, Modi said he looked forward to working closely with Takaichi to "
        "deepen the special strategic and global partnership between India and Japan.",
        "Takaichi, who won the leadership of the Liberal Democratic Party earlier this "
        "month, was confirmed by the Diet after her party agreed to govern with the Osaka-"
        "based Nippon Ishin no Kai.",
        "India and Japan hold annual summits, and Modi visited Tokyo in August, when the "
        "two governments set a target of 10 trillion yen in Japanese private investment in "
        "India over the next decade.",
    ],
    published=datetime(2025, 10, 22, 8, 15, tzinfo=IST),
    modified=None,
    authors=["Special Correspondent"],
    section="India",
)

# 7/8. Ordinary stories naming neither leader.
MARKETS_OPEN_HIGHER = Story(
    slug="sensex-nifty-open-higher-as-banks-and-it-stocks-gain",
    title="Sensex, Nifty open higher as banks and IT stocks gain; rupee steady",
    summary="Benchmark indices rose in early trade, helped by gains in private lenders and software exporters.",
    paragraphs=[
        "India's benchmark equity indices opened higher on Monday, led by buying in large "
        "private banks and information technology companies.",
        "The BSE Sensex rose about 250 points in the first hour of trade, while the NSE "
        "Nifty 50 gained close to 0.3 per cent. Broader markets were mixed.",
        "Traders said hopes of an interest rate cut by the Reserve Bank of India at its "
        "December review, and steady foreign portfolio flows, supported sentiment.",
        "The rupee opened little changed against the US dollar, and Brent crude traded "
        "near $63 a barrel.",
    ],
    published=datetime(2025, 11, 24, 9, 32, tzinfo=IST),
    modified=None,
    authors=["Sirali Gupta"],
    section="Markets",
)

GDP_PREVIEW = Story(
    slug="economists-expect-q2-gdp-growth-above-7-per-cent-gst-cuts",
    title="Economists expect Q2 GDP growth above 7% as GST cuts lift spending",
    summary="Data for July-September are due on Friday; most forecasters see strong rural and urban demand.",
    paragraphs=[
        "India's economy probably grew by more than 7 per cent in the July-September "
        "quarter, economists said ahead of official data due on Friday.",
        "Forecasters pointed to strong festive-season spending, helped by the cut in goods "
        "and services tax rates that took effect on September 22, and to steady government "
        "capital expenditure.",
        "Low inflation has raised the gap between nominal and real growth, which some "
        "economists say could complicate the government's fiscal arithmetic.",
        "Exporters remain cautious because of high US tariffs on Indian goods, though "
        "shipments to other markets held up in October.",
    ],
    published=datetime(2025, 11, 24, 8, 5, tzinfo=IST),
    modified=None,
    authors=["Shiva Rajora"],
    section="Economy",
)

DELHI_AIR = Story(
    slug="delhi-air-quality-very-poor-grap-curbs",
    title="Delhi's air stays in 'very poor' category as cold, calm winds trap pollutants",
    summary="Curbs under the Graded Response Action Plan remain in force across the National Capital Region.",
    paragraphs=[
        "Delhi woke up to a thick layer of smog on Monday, with the average air quality "
        "index staying in the 'very poor' range for the third day in a row.",
        "Officials said low temperatures and weak winds were keeping pollutants close to "
        "the ground, and that little relief was expected before the middle of the week.",
        "Restrictions under the Graded Response Action Plan, including a ban on some "
        "construction work, remain in force across the National Capital Region.",
        "Doctors advised children and older residents to avoid outdoor exercise in the "
        "early morning.",
    ],
    published=datetime(2025, 11, 24, 8, 40, tzinfo=IST),
    modified=None,
    authors=["The Hindu Bureau"],
    section="Delhi",
)

G20_DECLARATION = Story(
    slug="g20-johannesburg-declaration-us-boycott",
    title="G20 adopts Johannesburg declaration at the outset as U.S. stays away",
    summary="Host South Africa pushed the leaders' statement through on the summit's first day.",
    paragraphs=[
        "Leaders of the Group of 20 adopted their joint declaration on Saturday at the very "
        "start of the summit in Johannesburg, a break with the usual practice of agreeing "
        "the text at the close.",
        "The United States did not send a delegation, and Washington objected to the "
        "statement being issued without it.",
        "The declaration calls for more help for poor countries struggling with debt, for "
        "finance to cope with climate-related disasters and for a fairer share of the "
        "benefits from critical minerals.",
        "South African President Cyril Ramaphosa said the summit showed that cooperation "
        "among major economies could continue even when members disagree.",
    ],
    published=datetime(2025, 11, 23, 1, 15, tzinfo=JST),
    modified=None,
    authors=["Kyodo"],
    section="World",
)

BEAR_HUNTERS = Story(
    slug="japan-bear-attacks-trained-hunters-deployment",
    title="Record bear attacks push Japan to deploy more trained hunters",
    summary="Prefectures in the north are hiring hunters as local staff after a year of sightings in towns.",
    paragraphs=[
        "Japan will help prefectures hire licensed hunters as local government staff, the "
        "Environment Ministry said, after bear attacks on people reached a record this "
        "year.",
        "Bears have been seen near schools, supermarkets and train stations in the Tohoku "
        "region, where a poor crop of beech nuts has driven the animals to look for food in "
        "towns.",
        "Police in some prefectures have been allowed to use rifles against bears, and the "
        "Self-Defense Forces have helped set traps in Akita.",
        "Experts say the ageing and shrinking number of hunters has made the problem harder "
        "to control.",
    ],
    published=datetime(2025, 11, 24, 7, 30, tzinfo=JST),
    modified=None,
    authors=["Jiji"],
    section="National",
)
