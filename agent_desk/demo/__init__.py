"""The synthetic demo hospital: generated patients and their history, for trying and benchmarking.

Not part of the workstation: only the command line and the benchmarks use it.
"""
