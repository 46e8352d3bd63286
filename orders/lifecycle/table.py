"""The declared lifecycles as the Markdown tables the README shows (a test keeps them equal).

`python -m orders.lifecycle.table` prints them.
"""

from orders.lifecycle.declaration import LIFECYCLES, Lifecycle

HEADER = (
    "| status | label | API name | badge | final | moves to | on our submit step | staff may also "
    "| money on arrival | event |\n|---|---|---|---|---|---|---|---|---|---|"
)


def markdown(lifecycle: Lifecycle) -> str:
    rows = [HEADER]
    for state in lifecycle.states:
        submit = [t for s, t in sorted(lifecycle.submit_edges) if s == state.value]
        final = "yes" + (" (still watched)" if state.watched else "") if state.final else "no"
        cells = [
            f"`{state.value}`",
            str(state.label),
            f"`{state.public}`",
            state.badge,
            final,
            _codes(state.to),
            _codes(submit),
            _codes(state.staff_to),
            state.money.value if state.money.value != "none" else "—",
            f"`{state.event}`" if state.event else "—",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _codes(values) -> str:
    return ", ".join(f"`{v}`" for v in values) or "—"


def all_tables() -> str:
    return "\n\n".join(
        f"**{kind}**\n\n{markdown(lifecycle)}" for kind, lifecycle in LIFECYCLES.items()
    )


if __name__ == "__main__":  # pragma: no cover
    import django

    django.setup()
    print(all_tables())
