"""Records, options, errors, catalog data and the database: the bottom layer of saraban."""
