"""PayIns: create at TrustedPay, provider answers."""
