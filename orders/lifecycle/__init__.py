"""The declared lifecycle of Cash In orders and PayIns (declaration), the reasons shown for
them (reasons), the guard that keeps status writes inside `transition` (guard), and the one
function that moves a status (transition). Import the submodules; this package imports
nothing, so the models can read the declaration."""
