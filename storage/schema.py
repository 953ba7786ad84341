"""The schema of newsradar.db, as an ordered list of migrations (never edit an applied one)."""
from __future__ import annotations

import sqlite_utils

MIGRATIONS = sqlite_utils.Migrations("newsradar")


@MIGRATIONS()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);

        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,          -- canonical URL
            source TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL DEFAULT '',
            summary TEXT,
            published TEXT,                    -- ISO 8601 with the page's own offset
            published_utc TEXT,                -- the same instant in UTC, sortable
            modified TEXT,
            authors TEXT NOT NULL DEFAULT '[]',-- JSON list
            section TEXT,
            language TEXT,
            image TEXT,
            extraction TEXT,                   -- where the body came from (jsonld, next_data, ...)
            content_hash TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX articles_source_published ON articles(source, published_utc);
        CREATE INDEX articles_published ON articles(published_utc);

        -- Every URL under which an article was met (feed links with tracking
        -- parameters, AMP pages, redirects), so none is fetched twice.
        CREATE TABLE article_urls (
            url TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
        );

        CREATE TABLE chats (
            chat_id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL DEFAULT 'private',   -- private, group, supergroup, channel, cli
            title TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );

        CREATE TABLE watchlists (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            name TEXT,
            rule TEXT NOT NULL,                -- the text as the user gave it
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE INDEX watchlists_chat ON watchlists(chat_id);

        -- The only path to Telegram. One row per (chat, article).
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            rule_id INTEGER,
            rule TEXT NOT NULL,                -- the rule's text when it matched
            rule_name TEXT,
            hits TEXT NOT NULL DEFAULT '[]',   -- JSON: which terms matched where
            status TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, failed
            attempts INTEGER NOT NULL DEFAULT 0,
            lease_until TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            message_id INTEGER,
            via TEXT,                          -- telegram or console
            error TEXT,
            UNIQUE (chat_id, article_id)
        );
        CREATE INDEX outbox_status ON outbox(status, lease_until);

        CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL DEFAULT 'running',  -- running, ok, failed
            pages INTEGER NOT NULL DEFAULT 0,
            articles_new INTEGER NOT NULL DEFAULT 0,
            articles_updated INTEGER NOT NULL DEFAULT 0,
            alerts INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            error_log TEXT NOT NULL DEFAULT '[]'     -- JSON list of {url, reason}
        );
        CREATE INDEX crawl_runs_source ON crawl_runs(source, started_at);

        -- Validators for conditional GET of feeds and sitemaps.
        CREATE TABLE http_cache (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            checked_at TEXT NOT NULL
        );
        """
    )
    db["articles"].enable_fts(["title", "body"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")


@MIGRATIONS()
def m002_stories_and_notices(db: sqlite_utils.Database) -> None:
    # Columns the story clustering (articles.story_id, outbox folding) and the bot's
    # message edits ("also reported by ...") share; and notices for admins.
    db.executescript(
        """
        ALTER TABLE articles ADD COLUMN story_id INTEGER;
        CREATE INDEX articles_story ON articles(story_id);
        ALTER TABLE outbox ADD COLUMN story_id INTEGER;
        ALTER TABLE outbox ADD COLUMN folded_into INTEGER REFERENCES outbox(id);
        ALTER TABLE outbox ADD COLUMN edit_pending INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX outbox_chat_story ON outbox(chat_id, story_id);
        CREATE INDEX outbox_edit_pending ON outbox(edit_pending) WHERE edit_pending = 1;

        -- One-line messages for admins (source failing, schedule error, ...),
        -- delivered by the bot's sender like alerts, deduplicated by key per incident.
        CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            key TEXT,
            text TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            lease_until TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            error TEXT,
            UNIQUE (chat_id, key)
        );
        """
    )


@MIGRATIONS()
def m003_bot_chat_settings(db: sqlite_utils.Database) -> None:
    # Per-chat delivery settings, rule mutes and paused sources for the bot; urgent rules
    # break through quiet hours; indexes for the sender's per-chat burst and fold lookups.
    db.executescript(
        """
        CREATE TABLE chat_settings (
            chat_id INTEGER PRIMARY KEY,
            mode TEXT NOT NULL DEFAULT 'instant',   -- instant or digest
            digest_at TEXT NOT NULL DEFAULT '08:00',-- HH:MM in the chat's zone
            quiet_start TEXT,                       -- HH:MM, or NULL for no quiet hours
            quiet_end TEXT,
            tz TEXT NOT NULL DEFAULT 'UTC',
            updated_at TEXT NOT NULL
        );
        CREATE TABLE rule_mutes (
            rule_id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            until TEXT NOT NULL                     -- UTC ISO 8601
        );
        CREATE TABLE paused_sources (
            chat_id INTEGER NOT NULL,
            source TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, source)
        );
        ALTER TABLE watchlists ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX outbox_chat_sent ON outbox(chat_id, sent_at);
        CREATE INDEX outbox_folded_into ON outbox(folded_into) WHERE folded_into IS NOT NULL;
        """
    )


@MIGRATIONS()
def m003_stories_fingerprints(db: sqlite_utils.Database) -> None:
    # Story clusters (issue 6): which story each article belongs to and why it joined,
    # MinHash signatures with their LSH band keys (the near-duplicate index), and
    # every version of an article an outlet published under one URL.
    db.executescript(
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            first_article_id INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE TABLE article_fingerprints (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            story_id INTEGER NOT NULL,
            signature BLOB,                -- 64 MinHash values; NULL: too little text
            shingles INTEGER NOT NULL DEFAULT 0,
            seen_at TEXT NOT NULL,         -- published (else fetched), UTC: the time window
            joined TEXT NOT NULL,          -- first, copy or short
            matched_article_id INTEGER,    -- for a copy: the stored article it matched
            jaccard REAL,
            containment REAL,
            joined_at TEXT NOT NULL
        );
        CREATE INDEX article_fingerprints_story ON article_fingerprints(story_id);

        -- LSH: one row per (band key, article). Equal keys make candidates.
        CREATE TABLE fingerprint_bands (
            key INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            PRIMARY KEY (key, article_id)
        ) WITHOUT ROWID;

        CREATE TABLE article_versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            modified TEXT,
            content_hash TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX article_versions_article ON article_versions(article_id, id);
        """
    )


@MIGRATIONS()
def m003_sources_crawl_state(db: sqlite_utils.Database) -> None:
    """What the spiders remember: listed modification times, and backfill progress."""
    db.executescript(
        """
        -- The modification time a feed or sitemap gave an article URL when we last
        -- fetched it; a later, newer one means fetch the article again.
        CREATE TABLE listed_versions (
            url TEXT PRIMARY KEY,
            listed_modified TEXT NOT NULL          -- ISO 8601, UTC
        );
        -- Dated archives (one sitemap per day or month) a backfill walked to the end.
        CREATE TABLE backfill_done (
            source TEXT NOT NULL,
            url TEXT NOT NULL,
            articles INTEGER NOT NULL DEFAULT 0,
            done_at TEXT NOT NULL,
            PRIMARY KEY (source, url)
        );
        """
    )


@MIGRATIONS()
def m004_rules_aliases(db: sqlite_utils.Database) -> None:
    # `@takaichi = Takaichi OR "Sanae Takaichi" OR 高市`: a chat's own, or everyone's
    # (chat_id 0, set by an admin). A chat's alias shadows a global one of the same name.
    db.executescript(
        """
        CREATE TABLE aliases (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL DEFAULT 0,
            name TEXT NOT NULL,          -- lower case, without the @
            definition TEXT NOT NULL,    -- the terms, as typed
            created_at TEXT NOT NULL,
            UNIQUE (chat_id, name)
        );
        """
    )
