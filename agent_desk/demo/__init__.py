"""The synthetic demo hospital: generated patients and their history, for trying and benchmarking.

Not part of the workstation: only the command line and the benchmarks use it.
"""

# Here, not in writer.py, so that the command line can name it without loading the generator.
DEFAULT_SEED = 20261123
