"""When to ask a provider again, the poll sweep, and the overdue rule."""
