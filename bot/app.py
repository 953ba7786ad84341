"""Building the python-telegram-bot Application: routing table, commands menu, rate limiter."""
from __future__ import annotations

from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application, CommandHandler

from . import handlers

COMMANDS = [
    ("start", "Subscribe this chat"),
    ("watch", "Add a rule: /watch Modi + Takaichi"),
    ("watches", "List your rules"),
    ("unwatch", "Remove a rule: /unwatch N"),
    ("help", "How to write rules"),
]


def build_application(config, db) -> Application:
    builder = Application.builder().token(config.token)
    if config.api_base_url:
        base = config.api_base_url.rstrip("/")
        if "{token}" not in base:
            base = base + "/bot{token}"
        builder = builder.base_url(base).base_file_url(base.replace("/bot{token}", "/file/bot{token}"))
    # Overall 30/s and 20/min per group; RetryAfter is re-raised to the sender (max_retries=0),
    # which reschedules the alert in the outbox instead of holding it in memory.
    builder = builder.rate_limiter(AIORateLimiter(max_retries=0))
    app = builder.build()
    app.bot_data["db"] = db
    app.bot_data["config"] = config
    app.add_handler(CommandHandler("start", handlers.start))
    app.add_handler(CommandHandler("help", handlers.help_command))
    app.add_handler(CommandHandler("watch", handlers.watch))
    app.add_handler(CommandHandler("watches", handlers.watches))
    app.add_handler(CommandHandler("unwatch", handlers.unwatch))
    app.add_error_handler(handlers.on_error)
    return app


async def register_commands(app: Application) -> None:
    """Show the commands in Telegram's menu."""
    await app.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
