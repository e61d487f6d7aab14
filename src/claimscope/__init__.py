"""claimscope: dossiers of news articles, press releases and joint statements."""

__version__ = "0.1.0"
