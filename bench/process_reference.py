"""Python references for the process backend, run beside bench/process on the same machine.

Prints lines in the same form as ProcessBench: name value unit. An argument selects as ProcessBench's
does (startup, submit, map, big; none or "all" for every figure); selectors without a Python figure print
nothing.
"""
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context


def plus_one(x):
    return x + 1


def times_two(x):
    return x * 2


def fifty_mb(_):
    return bytes(50 << 20)


def median(runs, f):
    f()
    return statistics.median(f() for _ in range(runs))


def report(name, value, unit):
    print(f"{name:34s} {value:10.3f} {unit}", flush=True)


def first_maps(runs, inputs, after_one_task):
    """The first map of inputs on each of runs new fork pools of 2, per task in us.

    Forked workers are up almost at once; a short sleep makes sure they are, as ProcessBench's clock
    starts only once jpar's workers have answered their handshake.
    """
    ctx = get_context("fork")
    v = []
    for _ in range(runs):
        with ctx.Pool(2) as pool:
            time.sleep(0.1)
            if after_one_task:
                assert pool.apply(times_two, (21,)) == 42
            t0 = time.perf_counter()
            out = pool.map(plus_one, inputs)
            v.append((time.perf_counter() - t0) * 1e6 / len(inputs))
            assert out[-1] == 100_000
    return v


def main(only):
    inputs = list(range(100_000))

    if only in ("all", "startup"):
        ctx = get_context("spawn")

        def startup():
            t0 = time.perf_counter()
            pool = ctx.Pool(2)
            pool.map(plus_one, [1, 2])  # a spawn pool is only ready once its workers answer
            ms = (time.perf_counter() - t0) * 1e3
            pool.close()
            pool.join()
            return ms

        report("py_spawn_pool_startup_2_ms", median(5, startup), "ms")

    if only in ("all", "map"):
        fresh = first_maps(7, inputs, False)
        after_one = first_maps(7, inputs, True)
        report("py_pool2_map_first_fresh_pool_us", statistics.median(fresh), "us")
        report("py_pool2_map_after_one_task_us", statistics.median(after_one), "us")
        report("py_pool2_map_first_fresh_spread_us", max(fresh) - min(fresh), "us")
        report("py_pool2_map_after_one_spread_us", max(after_one) - min(after_one), "us")

        with get_context("fork").Pool(2) as pool:
            def mapped():
                t0 = time.perf_counter()
                out = pool.map(plus_one, inputs)
                assert out[-1] == 100_000
                return (time.perf_counter() - t0) * 1e6 / len(inputs)
            report("py_pool2_map_100k_per_task_us", median(5, mapped), "us")

    if only in ("all", "submit"):
        with ProcessPoolExecutor(2) as ex:
            def submit():
                n = 2_000
                t0 = time.perf_counter()
                for i in range(n):
                    assert ex.submit(plus_one, i).result() == i + 1
                return (time.perf_counter() - t0) * 1e6 / n
            report("py_ppe_submit_roundtrip_us", median(5, submit), "us")


    if only in ("all", "big"):
        big = bytes(100 << 20)
        with get_context("fork").Pool(2) as pool:
            def big_in():
                t0 = time.perf_counter()
                assert pool.map(len, [big] * 4) == [len(big)] * 4
                return 400.0 / (time.perf_counter() - t0)
            report("py_pool2_big_in_4x100MB_MBps", median(3, big_in), "MB/s")

            def big_out():
                t0 = time.perf_counter()
                assert [len(b) for b in pool.map(fifty_mb, [1, 2])] == [50 << 20] * 2
                return 100.0 / (time.perf_counter() - t0)
            report("py_pool2_big_out_2x50MB_MBps", median(3, big_out), "MB/s")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "all")
