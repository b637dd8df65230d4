"""The seed's pandas program, as bench/peers csv times it: multiprocessing.Pool(2).map over the files of
pandas.read_csv(f) then describe(include='all') (the same program as bench/csv_reference.py, which
prints only the 'price' column of the numeric data).

Usage: /usr/bin/python3 bench/csv_pandas.py FILE...
Prints, tab-separated, the lines every peer in bench/peers csv prints for the agreement check:
  file PATH ROWS
  col PATH NAME DTYPE MEAN STD     (MEAN and STD empty where describe() gives none: text, booleans)
describe()'s std is the sample standard deviation (n - 1)."""
import math
import sys
from multiprocessing import Pool

import pandas as pd


def describe(path):
    df = pd.read_csv(path)
    d = df.describe(include="all")
    cols = []
    for name in df.columns:
        mean = std = ""
        if "mean" in d.index:
            m, s = d.loc["mean", name], d.loc["std", name]
            # describe(include='all') puts NaN (or None) in the mean row of non-numeric columns.
            if isinstance(m, (int, float)) and not math.isnan(m):
                mean, std = repr(float(m)), repr(float(s))
        cols.append((name, str(df[name].dtype), mean, std))
    # Only these few figures go back to the parent, not the frame.
    return path, len(df), cols


if __name__ == "__main__":
    with Pool(2) as pool:
        out = pool.map(describe, sys.argv[1:])
    lines = []
    for path, rows, cols in out:
        lines.append(f"file\t{path}\t{rows}")
        lines.extend(f"col\t{path}\t{n}\t{t}\t{m}\t{s}" for n, t, m, s in cols)
    print("\n".join(lines))
