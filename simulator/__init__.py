"""Game-theoretic bargaining simulator: exact ZOPA, Pareto frontier and bargaining solutions."""

__version__ = "0.1.0"
