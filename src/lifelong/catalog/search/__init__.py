"""Catalog search, the same on SQLite and PostgreSQL: an inverted index of our own whose
postings are compressed bitmaps of index slots (`bitmaps`), written by the services through
`index`, read by `selectors.search_resources` through `reader`; `text` turns titles and
queries into words (jieba) and highlights the matches."""
