"""Scrapy settings for newsradar's crawls: polite, bounded, and storing through storage/."""

BOT_NAME = "newsradar"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

# Who we are, and where a publisher can reach the operator (NEWSRADAR_CONTACT_URL).
NEWSRADAR_CONTACT_URL = "https://github.com/newsradar/newsradar"
USER_AGENT = f"newsradar/0.1 (+{NEWSRADAR_CONTACT_URL})"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
HTTPCACHE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# The path of the SQLite file; set by `newsradar crawl` from --db / NEWSRADAR_DB.
NEWSRADAR_DB = "newsradar.db"
# Articles published longer ago than this (seconds) are stored but never alerted.
NEWSRADAR_FRESHNESS = 72 * 3600
# Set to a WARC path to serve the whole crawl from it, or to write one.
NEWSRADAR_REPLAY_WARC = None
NEWSRADAR_RECORD_WARC = None
# Extra sources file (YAML) on top of the bundled registry.
NEWSRADAR_SOURCES_FILE = None
# How deep sitemap indexes are followed (indexes may list themselves).
NEWSRADAR_SITEMAP_DEPTH = 2

DOWNLOADER_MIDDLEWARES = {
    # Closest to the download handler: replay answers instead of the network,
    # record sees the response as it came off the wire (still compressed).
    "scrapers.warc.WarcReplayMiddleware": 990,
    "scrapers.warc.WarcRecordMiddleware": 980,
}
ITEM_PIPELINES = {
    "scrapers.pipelines.StorePipeline": 300,
}
LOG_LEVEL = "INFO"
# newsradar installs its own root handler (one line per event, secrets redacted).
LOG_INSTALL_ROOT_HANDLER = False
