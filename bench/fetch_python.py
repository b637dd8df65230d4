"""The Python program a user would write to fetch many URLs: ThreadPoolExecutor + urllib, bodies read.

Usage: python3 bench/fetch_python.py URLS_FILE [THREADS=256]"""
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        r.read()
        return r.status


if __name__ == "__main__":
    urls = [l.strip() for l in open(sys.argv[1]) if l.strip()]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 256
    with ThreadPoolExecutor(threads) as ex:
        bad = sum(1 for s in ex.map(get, urls) if s != 200)
    sys.exit(1 if bad else 0)
