"""What persists between runs: the cache, the record of output/, the atomic swap, recovery."""
