"""Building the python-telegram-bot Application: routing table, commands menu, rate limiter."""
from __future__ import annotations

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, CommandHandler, filters

from . import handlers

COMMANDS = [
    ("start", "Subscribe this chat"),
    ("watch", "Add a rule: /watch Modi + Takaichi"),
    ("watches", "List and edit your rules"),
    ("unwatch", "Remove a rule: /unwatch N"),
    ("test", "What a rule would have matched: /test RULE"),
    ("search", "Search stored articles: /search WORDS"),
    ("alias", "Name a group of terms: /alias @name = TERMS"),
    ("aliases", "List this chat's aliases"),
    ("unalias", "Remove an alias: /unalias @name"),
    ("sources", "The news sources watched"),
    ("mode", "instant or digest"),
    ("digest", "Daily digest time: /digest 08:00"),
    ("quiet", "Quiet hours: /quiet 23:00-07:00"),
    ("tz", "Time zone: /tz Asia/Kolkata"),
    ("settings", "This chat's delivery settings"),
    ("help", "Commands; /help rules for the rule language"),
    ("stop", "Unsubscribe and delete this chat's data"),
]
ADMIN_COMMANDS = [
    ("status", "Crawls, errors, queue"),
    ("crawl", "Crawl a source now: /crawl SOURCE"),
    ("backfill", "Crawl dates: /backfill SOURCE DATE [DATE]"),
]

# name -> handler; the routing table.
ROUTES = {
    "start": handlers.start, "stop": handlers.stop, "help": handlers.help_command,
    "watch": handlers.watch, "watches": handlers.watches, "unwatch": handlers.unwatch,
    "test": handlers.test_rule, "search": handlers.search, "sources": handlers.sources,
    "alias": handlers.alias, "aliases": handlers.aliases, "unalias": handlers.unalias,
    "mode": handlers.mode, "digest": handlers.digest, "quiet": handlers.quiet, "tz": handlers.tz,
    "settings": handlers.settings, "status": handlers.status, "crawl": handlers.crawl,
    "backfill": handlers.backfill,
}


def build_application(config, db, *, source_titles: dict[str, str] | None = None) -> Application:
    builder = Application.builder().token(config.token)
    if config.api_base_url:
        base = config.api_base_url.rstrip("/")
        if "{token}" not in base:
            base = base + "/bot{token}"
        builder = builder.base_url(base).base_file_url(base.replace("/bot{token}", "/file/bot{token}"))
    # Overall 30/s and 20/min per group for replies; RetryAfter is re-raised to the sender
    # (max_retries=0), which also paces each chat itself (AIORateLimiter has no per-chat limit).
    builder = builder.rate_limiter(AIORateLimiter(max_retries=0))
    app = builder.build()
    app.bot_data["db"] = db
    app.bot_data["config"] = config
    app.bot_data["source_titles"] = dict(source_titles or {})
    # Commands in private chats and groups (`/watch@botname` too) and in channel posts.
    where = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
    for name, callback in ROUTES.items():
        app.add_handler(CommandHandler(name, callback, filters=where))
    app.add_handler(CallbackQueryHandler(handlers.button))
    app.add_error_handler(handlers.on_error)
    return app


async def register_commands(app: Application) -> None:
    """Show the commands in Telegram's menu; admins' chats also see the admin commands."""
    await app.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
    for admin in sorted(app.bot_data["config"].admins):
        try:
            await app.bot.set_my_commands(
                [BotCommand(n, t) for n, t in COMMANDS + ADMIN_COMMANDS], scope=BotCommandScopeChat(admin))
        except TelegramError:  # an admin who never opened the bot: the menu just lacks extras
            pass
