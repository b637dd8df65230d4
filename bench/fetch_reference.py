"""Python's best ThreadPoolExecutor at fetching URLs: tries several pool sizes, prints the best time.

Usage: python3 bench/fetch_reference.py URLS_FILE"""
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fetch_python import get  # noqa: E402  the same request as bench/peers' Python client


if __name__ == "__main__":
    urls = [l.strip() for l in open(sys.argv[1]) if l.strip()]
    best = None
    for workers in (64, 256, 512):
        t0 = time.perf_counter()
        with ThreadPoolExecutor(workers) as ex:
            assert all(s == 200 for s in ex.map(get, urls))
        t = time.perf_counter() - t0
        print(f"# {workers} threads: {t:.3f}s", file=sys.stderr)
        best = t if best is None else min(best, t)
    print(f"{best:.3f}")
