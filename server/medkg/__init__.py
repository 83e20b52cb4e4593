"""medkg: health-policy terminology and regulatory definitions as a SKOS knowledge graph."""
