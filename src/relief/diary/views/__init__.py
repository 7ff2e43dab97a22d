"""Pages of the diary: attack mode, the daily check-in, side effects, factors and questionnaires."""
