"""What an HTML page declares and prints about itself, read from its lxml tree.

Pure functions used by ingestion: :mod:`.declarations` reads JSON-LD, OpenGraph, meta
tags, microdata, ``<h1>`` and ``<title>``, each value with where the page declared it
(:class:`claimscope.document.Declared`); :mod:`.headline` finds the headline those
declarations agree on without the site's name; :mod:`.printed_dates` reads the dates the
page prints beside its headline.
"""

from claimscope.page_metadata.declarations import (
    ARTICLE_TYPES,
    PageMetadata,
    clean_author_names,
    fold_space,
    read_page_metadata,
)
from claimscope.page_metadata.headline import (
    declared_headline,
    is_site_name,
    site_keys,
    strip_site_name,
)
from claimscope.page_metadata.printed_dates import (
    BESIDE_HEADLINE_CHARS,
    PrintedDate,
    printed_dates,
)

__all__ = [
    "ARTICLE_TYPES",
    "BESIDE_HEADLINE_CHARS",
    "PageMetadata",
    "PrintedDate",
    "clean_author_names",
    "declared_headline",
    "fold_space",
    "is_site_name",
    "printed_dates",
    "read_page_metadata",
    "site_keys",
    "strip_site_name",
]
