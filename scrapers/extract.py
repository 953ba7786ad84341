"""Article extraction: one fetched HTML page in, article fields out.

The public face of ``scrapers.extraction``; the spider calls ``extract_article``
with ``response.text`` and stores the result only when ``is_article`` is true.

Errors::

    ValueError
    └── ExtractionError   the input is empty or not HTML at all (one clear sentence)
"""

from scrapers.extraction.article import extract_article
from scrapers.extraction.charset import decode_html
from scrapers.extraction.model import Extracted, ExtractionError

__all__ = ["extract_article", "decode_html", "Extracted", "ExtractionError"]
