"""Placeholder."""
def tree_api():
    return {}
