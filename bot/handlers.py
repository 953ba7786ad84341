"""Telegram command and button handlers. Each answers bad input where it happens, with the right usage.

Every handler goes through `_gate`: chats not allowed by NEWSRADAR_ALLOW get one polite
sentence and nothing is stored for them; a chat sending too many commands is asked to
slow down; in groups only administrators may change the group's rules and settings
(channel posts come from the channel's admins); admin commands need NEWSRADAR_ADMINS.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import html
import logging
import re
import time
from collections import deque

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

import rules
from storage import StorageError, open_db, utcnow
from storage.aliases import GLOBAL, aliases_for, list_aliases, remove_alias, set_alias
from storage.chat_settings import (
    forget_chat, get_settings, mute_rule, pause_source, paused_sources, release_held, resume_source,
    set_watch_active, set_watch_urgent, update_settings,
)
from storage.deliveries import queue_counts
from storage.runs import list_runs
from storage.watchlists import (
    DEFAULT_MAX_RULES_PER_CHAT, add_watch, get_watch, is_subscribed, list_watches, remove_watch, subscribe,
)

from .policy import SettingError, parse_clock, parse_quiet, parse_tz
from .search import find_articles

logger = logging.getLogger(__name__)

# `/watch g20: Modi + Takaichi` names the rule "g20"; field scopes are not names.
_NAMED = re.compile(r"^\s*([\w-]{1,32})\s*:\s+(.+)$", re.DOTALL)
_NOT_NAMES = {"title", "body", "source", "lang"}
MUTE_FOR = dt.timedelta(hours=24)
PROGRESS_EVERY = 2.0          # seconds between progress edits of one message
BUTTON_RULES = 24             # rules shown with buttons (4 each; Telegram allows 100 buttons)
DEFAULT_COMMANDS_PER_MINUTE = 20

START = (
    "Subscribed. I message this chat when a news story matches one of its rules.\n"
    "Add a rule: <code>/watch Modi + Takaichi</code> (name it: <code>/watch g20: Modi + Takaichi</code>)\n"
    "List and edit rules with /watches; /help explains the rest."
)

HELP = (
    "I watch Indian, Japanese and wire news and tell you when a story matches your rules.\n\n"
    "<b>Rules</b>\n"
    "/watch RULE - add a rule, e.g. <code>/watch Modi + Takaichi</code> "
    "or named: <code>/watch g20: Modi + Takaichi</code>\n"
    "/watches - list rules, with buttons to pause, delete, test or mark urgent\n"
    "/unwatch N - remove rule N\n"
    "/test RULE - what a rule would have matched lately\n"
    "/search WORDS - stored articles that match\n"
    "/alias @name = TERMS - a name for a group of terms, e.g. "
    "<code>/alias @takaichi = Takaichi OR \"Sanae Takaichi\" OR 高市</code>; /aliases lists them, "
    "/unalias @name removes one\n"
    "/help rules - the rule language\n\n"
    "<b>Delivery</b>\n"
    "/mode instant|digest - every alert at once, or one digest a day\n"
    "/digest 08:00 - when the daily digest comes\n"
    "/quiet 23:00-07:00 - hold alerts at night (or /quiet off); urgent rules still come\n"
    "/tz Asia/Kolkata - the time zone for times shown and set here\n"
    "/sources - the news sources, and any you paused\n"
    "/settings - this chat's delivery settings\n"
    "/stop - unsubscribe and delete this chat's data"
)

ADMIN_HELP = ("\n\n<b>Admin</b>\n/status - crawls, errors, queue\n/crawl SOURCE - crawl now\n"
              "/backfill SOURCE DATE [DATE] - crawl a date range\n"
              "/alias global @name = TERMS - an alias for every chat")


class _Limiter:
    """Commands per chat per minute; the first excess command is answered, the rest ignored."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self.seen: dict[int, deque[float]] = {}
        self.warned: set[int] = set()

    def check(self, chat_id: int) -> str:
        now = time.monotonic()
        log = self.seen.setdefault(chat_id, deque())
        while log and log[0] <= now - 60:
            log.popleft()
        if len(log) < self.per_minute:
            log.append(now)
            self.warned.discard(chat_id)
            return "ok"
        if chat_id in self.warned:
            return "ignore"
        self.warned.add(chat_id)
        return "warn"


def _deps(context: ContextTypes.DEFAULT_TYPE):
    data = context.application.bot_data
    return data["db"], data["config"]


def _limiter(context) -> _Limiter:
    data = context.application.bot_data
    if "limiter" not in data:
        per_minute = getattr(data["config"], "commands_per_minute", DEFAULT_COMMANDS_PER_MINUTE)
        data["limiter"] = _Limiter(per_minute)
    return data["limiter"]


async def _reply(update: Update, text: str, *, html_text: bool = False, markup=None):
    return await update.effective_message.reply_text(
        text, parse_mode=ParseMode.HTML if html_text else None, reply_markup=markup,
        do_quote=False, link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


async def _is_group_admin(update: Update, context) -> bool:
    chat, user = update.effective_chat, update.effective_user
    if chat.type in ("private", "channel") or user is None:
        return True  # a private chat is its user's; channel posts come from its admins
    if update.effective_message and update.effective_message.sender_chat and \
            update.effective_message.sender_chat.id == chat.id:
        return True  # an anonymous group admin posts as the group itself
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        return False
    return member.status in ("administrator", "creator")


def command(*, changes: bool = False, admin: bool = False):
    """Wrap a handler with the checks every command shares (see the module docstring)."""
    def wrap(fn):
        @functools.wraps(fn)
        async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            chat = update.effective_chat
            if chat is None or update.effective_message is None:
                return
            _, config = _deps(context)
            if not config.may_use(chat.id):
                await _reply(update, "Sorry, this newsradar is private; ask its operator to add this chat.")
                return
            verdict = _limiter(context).check(chat.id)
            if verdict != "ok":
                if verdict == "warn":
                    await _reply(update, "That is a lot of commands; please wait a minute before the next one.")
                return
            if admin and chat.id not in config.admins:
                await _reply(update, "Only this newsradar's admins can use that command.")
                return
            if changes and not await _is_group_admin(update, context):
                await _reply(update, "Only this group's admins can change its rules and settings.")
                return
            await fn(update, context)
        return handler
    return wrap


def _args(update: Update) -> str:
    parts = (update.effective_message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def _ensure_subscribed(db, chat) -> None:
    if not is_subscribed(db, chat.id):
        subscribe(db, chat.id, kind=chat.type, title=chat.title or chat.username)


# -- subscribing ---------------------------------------------------------------------
@command(changes=True)
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribe this chat."""
    db, _ = _deps(context)
    chat = update.effective_chat
    subscribe(db, chat.id, kind=chat.type, title=chat.title or chat.username)
    await _reply(update, START, html_text=True)


@command(changes=True)
async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Unsubscribe and delete everything stored for this chat."""
    db, _ = _deps(context)
    counts = forget_chat(db, update.effective_chat.id)
    await _reply(update, (
        f"Unsubscribed. I deleted this chat's data: {counts['rules']} rule(s), its settings and "
        f"{counts['alerts']} alert record(s). /start subscribes again."
    ))


@command()
async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain the commands, or with `rules`, the rule language."""
    _, config = _deps(context)
    if _args(update).lower().startswith("rule"):
        await _reply(update, f"<pre>{html.escape(rules.help_text())}</pre>", html_text=True)
        return
    extra = ADMIN_HELP if update.effective_chat.id in config.admins else ""
    await _reply(update, HELP + extra, html_text=True)


# -- rules ---------------------------------------------------------------------------
@command(changes=True)
async def watch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Add a rule to this chat's watchlist."""
    db, config = _deps(context)
    chat = update.effective_chat
    text = _args(update)
    if not text:
        await _reply(update, "Usage: /watch RULE, for example /watch Modi + Takaichi")
        return
    name, rule_text = None, text
    named = _NAMED.match(text)
    if named and named.group(1).lower() not in _NOT_NAMES:
        name, rule_text = named.group(1), named.group(2).strip()
    try:
        rules.parse(rule_text, aliases=aliases_for(db, chat.id))
    except rules.RuleError as exc:
        await _reply(update, f"That rule has a problem: {exc}")
        return
    _ensure_subscribed(db, chat)
    try:
        saved = add_watch(db, chat.id, rule_text, name=name, chat_kind=chat.type,
                          max_per_chat=getattr(config, "max_rules", DEFAULT_MAX_RULES_PER_CHAT))
    except StorageError as exc:
        await _reply(update, str(exc))
        return
    label = f" ({html.escape(name)})" if name else ""
    await _reply(update, f"Watching rule {saved['id']}{label}: <code>{html.escape(rule_text)}</code>",
                 html_text=True)


async def _alias_scope(update: Update, context, verb: str) -> tuple[int, str] | None:
    """(chat id or GLOBAL, the rest of the command); `global …` is for admins only."""
    _, config = _deps(context)
    chat = update.effective_chat
    text = _args(update)
    if not text.startswith("global "):
        return chat.id, text
    if chat.id not in config.admins:
        await _reply(update, f"Only this newsradar's admins can {verb} aliases for everyone.")
        return None
    return GLOBAL, text[len("global "):].strip()


@command(changes=True)
async def alias(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Define @name for a group of terms, for this chat (or, for admins, everyone)."""
    db, _ = _deps(context)
    chat = update.effective_chat
    scoped = await _alias_scope(update, context, "define")
    if scoped is None:
        return
    scope, text = scoped
    if not text:
        await _reply(update, 'Usage: /alias @name = TERMS, for example /alias @takaichi = Takaichi OR "Sanae Takaichi" OR 高市')
        return
    try:
        name, terms = rules.parse_alias(text, aliases=aliases_for(db, chat.id))
    except rules.RuleError as exc:
        await _reply(update, f"That alias has a problem: {exc}")
        return
    if scope != GLOBAL:
        _ensure_subscribed(db, chat)
    new = set_alias(db, name, terms, chat_id=scope)
    where = "everyone" if scope == GLOBAL else "this chat"
    await _reply(update, f"{'Defined' if new else 'Redefined'} <code>@{html.escape(name)}</code> for {where}: "
                         f"<code>{html.escape(terms)}</code>. Use it in rules, e.g. <code>/watch Modi + @{html.escape(name)}</code>",
                 html_text=True)


@command()
async def aliases(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the aliases this chat can use."""
    db, _ = _deps(context)
    rows = list_aliases(db, chat_id=update.effective_chat.id)
    if not rows:
        await _reply(update, 'No aliases yet. Define one: /alias @takaichi = Takaichi OR "Sanae Takaichi" OR 高市')
        return
    lines = ["Aliases:"]
    for row in rows:
        who = " <i>(everyone)</i>" if row["chat_id"] == GLOBAL else ""
        lines.append(f"<code>@{html.escape(row['name'])}</code> = <code>{html.escape(row['definition'])}</code>{who}")
    await _reply(update, "\n".join(lines), html_text=True)


@command(changes=True)
async def unalias(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove one of this chat's aliases."""
    db, _ = _deps(context)
    scoped = await _alias_scope(update, context, "remove")
    if scoped is None:
        return
    scope, text = scoped
    if not text.startswith("@"):
        await _reply(update, "Usage: /unalias @name")
        return
    try:
        remove_alias(db, text, chat_id=scope)
    except StorageError as exc:
        await _reply(update, str(exc))
        return
    await _reply(update, f"Removed <code>{html.escape(text)}</code>.", html_text=True)


def _rule_line(row: dict) -> str:
    label = f" {html.escape(row['name'])}:" if row["name"] else ""
    flags = []
    if not row["active"]:
        flags.append("paused")
    if row.get("urgent"):
        flags.append("urgent")
    state = f" <i>({', '.join(flags)})</i>" if flags else ""
    return f"{row['id']}.{label} <code>{html.escape(row['rule'])}</code>{state}"


def _rules_keyboard(rows: list[dict]) -> InlineKeyboardMarkup | None:
    keyboard = []
    for row in rows[:BUTTON_RULES]:
        n = row["id"]
        keyboard.append([
            InlineKeyboardButton(f"{'Resume' if not row['active'] else 'Pause'} {n}",
                                 callback_data=f"w:{'resume' if not row['active'] else 'pause'}:{n}"),
            InlineKeyboardButton(f"Delete {n}", callback_data=f"w:del:{n}"),
            InlineKeyboardButton(f"Test {n}", callback_data=f"w:test:{n}"),
            InlineKeyboardButton(f"{'Not urgent' if row.get('urgent') else 'Urgent'} {n}",
                                 callback_data=f"w:{'calm' if row.get('urgent') else 'urgent'}:{n}"),
        ])
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def _rules_message(db, chat_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    rows = list_watches(db, chat_id)
    if not rows:
        return "No rules yet. Add one with /watch Modi + Takaichi", None
    lines = ["This chat's rules:"] + [_rule_line(r) for r in rows]
    if len(rows) > BUTTON_RULES:
        lines.append(f"Buttons are shown for the first {BUTTON_RULES}; remove others with /unwatch N.")
    return "\n".join(lines), _rules_keyboard(rows)


@command()
async def watches(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List this chat's rules, with buttons to pause, delete, test or mark them urgent."""
    db, _ = _deps(context)
    text, markup = _rules_message(db, update.effective_chat.id)
    await _reply(update, text, html_text=True, markup=markup)


@command(changes=True)
async def unwatch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove a rule by its number."""
    db, _ = _deps(context)
    arg = _args(update)
    if not arg.isdigit():
        await _reply(update, "Usage: /unwatch N, where N is a number from /watches")
        return
    try:
        removed = remove_watch(db, int(arg), chat_id=update.effective_chat.id)
    except StorageError as exc:
        await _reply(update, str(exc))
        return
    await _reply(update, f"Removed rule {removed['id']}: <code>{html.escape(removed['rule'])}</code>",
                 html_text=True)


def _results(found: list[dict], total: int, tz: str, *, heading: str, titles: dict[str, str]) -> str:
    from .render import _published  # the same time format as alerts

    if not found:
        return f"{heading}: nothing among the stored articles."
    lines = [f"{heading}: {total} stored article{'s' if total != 1 else ''}"
             + (f", the newest {len(found)}:" if total > len(found) else ":")]
    for row in found:
        when = _published(row, tz)
        meta = html.escape(" · ".join(x for x in (titles.get(row["source"], row["source"]), when) if x), quote=False)
        lines.append(f'• <a href="{html.escape(row["url"], quote=True)}">'
                     f'{html.escape(row["title"] or "(untitled)", quote=False)}</a> — {meta}')
    return "\n".join(lines)


async def _run_rule(update: Update, context, text: str, *, heading: str) -> None:
    db, config = _deps(context)
    try:
        rule = rules.parse(text, aliases=aliases_for(db, update.effective_chat.id))
    except rules.RuleError as exc:
        await _reply(update, f"That rule has a problem: {exc}")
        return
    found, total = await asyncio.to_thread(_search_in_thread, config.db_path, rule)
    tz = get_settings(db, update.effective_chat.id)["tz"]
    titles = context.application.bot_data.get("source_titles") or {}
    await _reply(update, _results(found, total, tz, heading=heading, titles=titles), html_text=True)


def _search_in_thread(target, rule):
    # A connection refuses other threads; a second one does the scan there, so a slow
    # search never stalls delivery or other chats.
    reader = open_db(target, migrate=False)
    try:
        return find_articles(reader, rule)
    finally:
        reader.close()


@command()
async def test_rule(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show what a rule would have matched among stored articles."""
    text = _args(update)
    if not text:
        await _reply(update, "Usage: /test RULE, for example /test Modi + Takaichi")
        return
    await _run_rule(update, context, text, heading="This rule matches")


@command()
async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Search stored articles (the query is written like a rule)."""
    text = _args(update)
    if not text:
        await _reply(update, "Usage: /search WORDS, for example /search Takaichi semiconductors")
        return
    await _run_rule(update, context, text, heading="Found")


# -- sources and settings ---------------------------------------------------------------
@command()
async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the news sources and the ones this chat paused."""
    db, _ = _deps(context)
    titles: dict[str, str] = context.application.bot_data.get("source_titles") or {}
    paused = paused_sources(db, update.effective_chat.id)
    lines = ["News sources:"]
    for name in sorted(set(titles) | paused):
        mark = " <i>(paused here)</i>" if name in paused else ""
        lines.append(f"• {html.escape(titles.get(name, name))} <code>{html.escape(name)}</code>{mark}")
    markup = None
    if paused:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(f"Resume {name}", callback_data=f"src:resume:{name}"[:64])]
                                       for name in sorted(paused)])
    await _reply(update, "\n".join(lines), html_text=True, markup=markup)


def _settings_text(s: dict) -> str:
    quiet = f"{s['quiet_start']}-{s['quiet_end']}" if s.get("quiet_start") else "off"
    mode = f"digest at {s['digest_at']}" if s["mode"] == "digest" else "instant"
    return f"Delivery: {mode}; quiet hours: {quiet}; time zone: {s['tz']}."


@command()
async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show this chat's delivery settings."""
    db, _ = _deps(context)
    await _reply(update, _settings_text(get_settings(db, update.effective_chat.id)))


async def _change(update: Update, context, **changes) -> None:
    db, _ = _deps(context)
    chat = update.effective_chat
    _ensure_subscribed(db, chat)
    new = update_settings(db, chat.id, **changes)
    if new["mode"] == "instant" and not new.get("quiet_start"):
        release_held(db, chat.id)  # nothing is held any more: send what was waiting
    await _reply(update, "Saved. " + _settings_text(new))


@command(changes=True)
async def mode(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """instant or digest."""
    arg = _args(update).lower()
    if arg not in ("instant", "digest"):
        await _reply(update, "Usage: /mode instant (each alert at once) or /mode digest (one message a day, see /digest)")
        return
    await _change(update, context, mode=arg)


@command(changes=True)
async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set the daily digest time (and switch to digest mode)."""
    try:
        at = parse_clock(_args(update))
    except SettingError as exc:
        await _reply(update, f"{exc} Usage: /digest 08:00")
        return
    await _change(update, context, digest_at=at, mode="digest")


@command(changes=True)
async def quiet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set quiet hours, or turn them off."""
    try:
        window = parse_quiet(_args(update))
    except SettingError as exc:
        await _reply(update, str(exc))
        return
    start_at, end_at = window or (None, None)
    await _change(update, context, quiet_start=start_at, quiet_end=end_at)


@command(changes=True)
async def tz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set the chat's time zone."""
    try:
        zone = parse_tz(_args(update))
    except SettingError as exc:
        await _reply(update, str(exc))
        return
    await _change(update, context, tz=zone)


# -- buttons ------------------------------------------------------------------------------
async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline buttons on alerts (mute, pause source) and on /watches and /sources."""
    query = update.callback_query
    chat = update.effective_chat
    db, config = _deps(context)
    if chat is None or not config.may_use(chat.id):
        await query.answer("Sorry, this newsradar is private.")
        return
    if not await _is_group_admin(update, context):
        await query.answer("Only this group's admins can change its rules.", show_alert=True)
        return
    kind, _, rest = (query.data or "").partition(":")
    try:
        if kind == "mute":
            watch = mute_rule(db, chat.id, int(rest), utcnow() + MUTE_FOR)
            await query.answer(f"Rule {watch['id']} muted for 24 hours.")
        elif kind == "pause":
            pause_source(db, chat.id, rest)
            await query.answer(f"No more alerts from {rest} here; /sources resumes it.")
        elif kind == "src":
            action, _, name = rest.partition(":")
            resume_source(db, chat.id, name)
            await query.answer(f"Alerts from {name} resumed.")
        elif kind == "w":
            await _rule_button(update, context, *rest.split(":", 1))
        else:
            await query.answer("That button is no longer in use.")
    except StorageError as exc:
        await query.answer(str(exc), show_alert=True)
    except ValueError:
        await query.answer("That button is no longer in use.")


async def _rule_button(update: Update, context, action: str, number: str) -> None:
    query = update.callback_query
    db, _ = _deps(context)
    chat_id = update.effective_chat.id
    watch_id = int(number)
    if action == "test":
        rule_row = get_watch(db, watch_id)
        if rule_row["chat_id"] != chat_id:
            raise StorageError(f"This chat has no rule with id {watch_id}.")
        await query.answer()
        await _run_rule(update, context, rule_row["rule"], heading=f"Rule {watch_id} matches")
        return
    if action in ("pause", "resume"):
        set_watch_active(db, chat_id, watch_id, action == "resume")
        note = f"Rule {watch_id} {'paused' if action == 'pause' else 'resumed'}."
    elif action in ("urgent", "calm"):
        set_watch_urgent(db, chat_id, watch_id, action == "urgent")
        note = f"Rule {watch_id} {'is urgent: it breaks through quiet hours' if action == 'urgent' else 'is no longer urgent'}."
    elif action == "del":
        remove_watch(db, watch_id, chat_id=chat_id)
        note = f"Rule {watch_id} deleted."
    else:
        raise ValueError(action)
    await query.answer(note)
    text, markup = _rules_message(db, chat_id)
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


# -- admins ---------------------------------------------------------------------------------
@command(admin=True)
async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Last crawl per source, errors, queue length."""
    db, _ = _deps(context)
    latest: dict[str, dict] = {}
    for run in list_runs(db, limit=500):
        latest.setdefault(run["source"], run)
    lines = ["Last crawls:"] if latest else ["No crawl has run yet."]
    for name, run in sorted(latest.items()):
        lines.append(
            f"• {name}: {run['status']} at {run['finished_at'] or run['started_at']}, {run['pages']} pages, "
            f"{run['articles_new']} new, {run['errors']} errors"
        )
        for err in run["error_log"][:2]:
            lines.append(f"    {err.get('url', '')}: {err.get('reason', '')}"[:300])
    counts = queue_counts(db)
    lines.append("Outbox: " + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("pending", "held", "sent", "failed", "dropped")))
    await _reply(update, "\n".join(lines)[:4000])


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@command(admin=True)
async def crawl(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Crawl a source now."""
    parts = _args(update).split()
    if len(parts) != 1:
        await _reply(update, "Usage: /crawl SOURCE (names: /sources)")
        return
    await _launch(update, context, parts, None, None)


@command(admin=True)
async def backfill(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Crawl a source's articles published between two dates."""
    parts = _args(update).split()
    if len(parts) not in (2, 3) or not all(_DATE.match(p) for p in parts[1:]):
        await _reply(update, "Usage: /backfill SOURCE DATE [DATE], dates as YYYY-MM-DD")
        return
    try:
        since = dt.date.fromisoformat(parts[1])
        until = dt.date.fromisoformat(parts[2]) if len(parts) == 3 else utcnow().date()
    except ValueError:
        await _reply(update, "Those are not calendar dates; write them as YYYY-MM-DD.")
        return
    if until < since:
        await _reply(update, "The second date must not be before the first.")
        return
    await _launch(update, context, parts[:1], since, until)


async def _launch(update: Update, context, names: list[str], since, until) -> None:
    launch = context.application.bot_data.get("launch_crawl")
    if launch is None:
        await _reply(update, "Crawling from Telegram needs the running service (newsradar run).")
        return
    what = f"{names[0]}" + (f" from {since} to {until}" if since else "")
    message = await _reply(update, f"Crawling {what}…")
    last = {"at": 0.0, "text": ""}

    async def progress(line: str) -> None:
        # At most one edit per PROGRESS_EVERY seconds; Telegram limits edits too.
        now = time.monotonic()
        if now - last["at"] < PROGRESS_EVERY or not line.strip():
            return
        last["at"] = now
        text = f"Crawling {what}…\n{line.strip()[:300]}"
        if text != last["text"]:
            last["text"] = text
            try:
                await message.edit_text(text)
            except TelegramError:
                logger.info("could not edit the progress message", exc_info=True)

    try:
        summaries = await launch(names, since, until, progress)
    except Exception as exc:  # noqa: BLE001 - launch_crawl's errors are one sentence for the user
        await message.edit_text(f"Crawling {what} failed: {exc}")
        return
    lines = [f"Crawled {what}:"] + [
        f"• {s.get('source')}: {s.get('status')}, {s.get('pages', 0)} pages, {s.get('articles_new', 0)} new, "
        f"{s.get('alerts', 0)} alerts, {len(s['errors']) if isinstance(s.get('errors'), list) else s.get('errors', 0)} errors"
        for s in summaries
    ]
    await message.edit_text("\n".join(lines))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log anything unexpected with its traceback and tell the admins in one line."""
    logger.error("error while handling an update", exc_info=context.error)
    _, config = _deps(context)
    for admin_chat in config.admins:
        try:
            await context.bot.send_message(
                admin_chat, f"newsradar hit an error: {type(context.error).__name__}",
            )
        except Exception:  # noqa: BLE001 - telling admins must never raise
            logger.warning("could not notify admin %s of the error", admin_chat)
