"""The plan (what is published), the map over versions, the reduce; and the verbs that run them."""
