"""Apache Spark jobs: the pipeline and near-duplicate detection over archives of documents.

Needs the optional ``spark`` extra; the rest of claimscope never imports this package.
"""
