"""Telegram command handlers. Each answers bad input where it happens, with the right usage."""
from __future__ import annotations

import html
import logging
import re

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

import rules
from storage import StorageError
from storage.watchlists import add_watch, is_subscribed, list_watches, remove_watch, subscribe

logger = logging.getLogger(__name__)

# `/watch g20: Modi + Takaichi` names the rule "g20"; field scopes are not names.
_NAMED = re.compile(r"^\s*([\w-]{1,32})\s*:\s+(.+)$", re.DOTALL)
_NOT_NAMES = {"title", "body", "source", "lang"}

HELP = (
    "I watch Indian, Japanese and wire news and tell you when a story matches your rules.\n"
    "/watch RULE - add a rule, e.g. <code>/watch Modi + Takaichi</code> "
    "or with a name: <code>/watch g20: Modi + Takaichi</code>\n"
    "/watches - list your rules\n"
    "/unwatch N - remove rule N\n"
    "/start - subscribe this chat, /help - this text\n"
    "Rules: words joined by + or spaces must all appear (whole words, any case); "
    "\"quoted phrases\" must appear as written."
)

START = (
    "Subscribed. I will message you when a news story matches one of your rules.\n"
    "Add a rule: <code>/watch Modi + Takaichi</code>\n"
    "See your rules with /watches; /help explains the rest."
)


def _deps(context: ContextTypes.DEFAULT_TYPE):
    data = context.application.bot_data
    return data["db"], data["config"]


async def _allowed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    _, config = _deps(context)
    chat = update.effective_chat
    if chat is None:
        return False
    if config.may_use(chat.id):
        return True
    if update.effective_message:
        await update.effective_message.reply_text(
            "Sorry, this newsradar is private; ask its operator to add this chat."
        )
    return False


def _command_args(update: Update) -> str:
    text = update.effective_message.text or ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribe this chat."""
    if not await _allowed(update, context):
        return
    db, _ = _deps(context)
    chat = update.effective_chat
    subscribe(db, chat.id, kind=chat.type, title=chat.title or chat.username)
    await update.effective_message.reply_text(START, parse_mode=ParseMode.HTML)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain the commands and the rule language."""
    if not await _allowed(update, context):
        return
    await update.effective_message.reply_text(HELP, parse_mode=ParseMode.HTML)


async def watch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Add a rule to this chat's watchlist."""
    if not await _allowed(update, context):
        return
    db, _ = _deps(context)
    chat = update.effective_chat
    text = _command_args(update)
    if not text:
        await update.effective_message.reply_text(
            "Usage: /watch RULE, for example /watch Modi + Takaichi"
        )
        return
    name, rule_text = None, text
    named = _NAMED.match(text)
    if named and named.group(1).lower() not in _NOT_NAMES:
        name, rule_text = named.group(1), named.group(2).strip()
    try:
        rules.parse(rule_text)
    except rules.RuleError as exc:
        await update.effective_message.reply_text(f"That rule has a problem: {exc}")
        return
    if not is_subscribed(db, chat.id):
        subscribe(db, chat.id, kind=chat.type, title=chat.title or chat.username)
    try:
        saved = add_watch(db, chat.id, rule_text, name=name, chat_kind=chat.type)
    except StorageError as exc:
        await update.effective_message.reply_text(str(exc))
        return
    label = f" ({html.escape(name)})" if name else ""
    await update.effective_message.reply_text(
        f"Watching rule {saved['id']}{label}: <code>{html.escape(rule_text)}</code>",
        parse_mode=ParseMode.HTML,
    )


async def watches(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List this chat's rules."""
    if not await _allowed(update, context):
        return
    db, _ = _deps(context)
    rows = list_watches(db, update.effective_chat.id)
    if not rows:
        await update.effective_message.reply_text("No rules yet. Add one with /watch Modi + Takaichi")
        return
    lines = ["Your rules:"]
    for row in rows:
        label = f" {html.escape(row['name'])}:" if row["name"] else ""
        lines.append(f"{row['id']}.{label} <code>{html.escape(row['rule'])}</code>")
    lines.append("Remove one with /unwatch N")
    await update.effective_message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)


async def unwatch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove a rule by its number."""
    if not await _allowed(update, context):
        return
    db, _ = _deps(context)
    arg = _command_args(update)
    if not arg.isdigit():
        await update.effective_message.reply_text("Usage: /unwatch N, where N is a number from /watches")
        return
    try:
        removed = remove_watch(db, int(arg), chat_id=update.effective_chat.id)
    except StorageError as exc:
        await update.effective_message.reply_text(str(exc))
        return
    await update.effective_message.reply_text(
        f"Removed rule {removed['id']}: <code>{html.escape(removed['rule'])}</code>",
        parse_mode=ParseMode.HTML,
    )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log anything unexpected with its traceback and tell the admins in one line."""
    logger.error("error while handling an update", exc_info=context.error)
    _, config = _deps(context)
    for admin in config.admins:
        try:
            await context.bot.send_message(
                admin, f"newsradar hit an error: {html.escape(type(context.error).__name__)}",
            )
        except Exception:  # noqa: BLE001 - telling admins must never raise
            logger.warning("could not notify admin %s of the error", admin)
