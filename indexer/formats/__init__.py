"""One reader per file format: bytes -> ``DecodedText`` (the report's text, how it was read,
and what the file says about itself). ``indexer.reading`` chooses among them."""
