"""Telegram: the Application and its handlers, alert rendering, outbox delivery with rate limits.

Nothing below bot/ imports Telegram; bot/ reads storage/ and renders.
"""
