"""The staff's money: NICTBD float snapshots, the money view's figures and charts, and the
daily reconciliation with the providers."""
