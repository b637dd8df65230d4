"""The seed's own program: multiprocessing.Pool(2).map of pandas read_csv + describe() per file.

Usage: /usr/bin/python3 bench/csv_reference.py FILE...  Prints seconds, then per file rows and the mean
of 'price' (to check that jpar's figures agree)."""
import sys
import time
from multiprocessing import Pool

import pandas as pd


def describe(path):
    df = pd.read_csv(path)
    d = df.describe(include="all")
    return path, len(df), float(d.loc["mean", "price"]), float(d.loc["std", "price"])


if __name__ == "__main__":
    files = sys.argv[1:]
    t0 = time.perf_counter()
    with Pool(2) as pool:
        out = pool.map(describe, files)
    print(f"{time.perf_counter() - t0:.3f}")
    for path, rows, mean, std in out:
        print(path, rows, repr(mean), repr(std))
