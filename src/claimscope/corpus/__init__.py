"""Operations across documents: republication and near-duplicates, recurring claims and actors.

Pure computations over dossiers and their signatures (no database, no files): the store
adapter persists what they produce and the command line, web app and Spark job drive them.
"""
