"""Analysis: a story's spec, ratios, ranges, fact-checks and the cited reference tables."""
