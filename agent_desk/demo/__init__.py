"""The synthetic demo hospital: generated patients and their history, for trying and benchmarking.

Not part of the workstation: only the command line and the benchmarks use it.
"""

# Here, not in writer.py, so that the command line can name it without loading the generator.
DEFAULT_SEED = 20261123

# What the generator writes, as a number: raise it with every change to the rows it makes
# (new columns filled, other answers, other proportions), so that the benchmarks' cached
# hospitals (named with it) are made again instead of measuring yesterday's data.
# 3: ids stored as 16 bytes (migration 0024); a g2 cache would be converted in place, and
# no longer open in a build before it.
GENERATOR_VERSION = 3
