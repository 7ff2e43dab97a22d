"""`python -m relief.cli` runs the `relief` command."""

from relief.cli import main

if __name__ == "__main__":
    main()
