"""Python references for the process backend, run beside bench/process on the same machine.

Prints lines in the same form as ProcessBench: name value unit.
"""
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context


def plus_one(x):
    return x + 1


def median(runs, f):
    f()
    return statistics.median(f() for _ in range(runs))


def main():
    ctx = get_context("spawn")
    inputs = list(range(100_000))

    def startup():
        t0 = time.perf_counter()
        pool = ctx.Pool(2)
        pool.map(plus_one, [1, 2])  # a spawn pool is only ready once its workers answer
        ms = (time.perf_counter() - t0) * 1e3
        pool.close()
        pool.join()
        return ms

    print(f"{'py_spawn_pool_startup_2_ms':34s} {median(5, startup):10.3f} ms")

    with get_context("fork").Pool(2) as pool:
        def mapped():
            t0 = time.perf_counter()
            out = pool.map(plus_one, inputs)
            assert out[-1] == 100_000
            return (time.perf_counter() - t0) * 1e6 / len(inputs)
        print(f"{'py_pool2_map_100k_per_task_us':34s} {median(5, mapped):10.3f} us")

    with ProcessPoolExecutor(2) as ex:
        def submit():
            n = 2_000
            t0 = time.perf_counter()
            for i in range(n):
                assert ex.submit(plus_one, i).result() == i + 1
            return (time.perf_counter() - t0) * 1e6 / n
        print(f"{'py_ppe_submit_roundtrip_us':34s} {median(5, submit):10.3f} us")


if __name__ == "__main__":
    main()
