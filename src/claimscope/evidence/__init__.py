"""The evidence library: earlier fact-checks and primary documents, and claims matched to them.

Reads fact-checks (ClaimReview, records) and splits primary documents into passages; ranks
them against a dossier's claims. A match is a pointer to read, never a verdict.
"""
