"""Sending new orders and PayIns from the worker (the outbox), and the providers' health."""
