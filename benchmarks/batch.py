"""Batch loading side by side on the same text documents: bare extraction (``extract_with_text`` in a
loop, as ``saraban extract`` runs), ``stored`` (the same loop also making each record's index entry
and storing in batches of 64, as ingest does, without Prefect or worker processes: what storing
costs), ``ingest`` on the default runner (threads, one worker process each) and ``ingest`` on a
local Dask cluster of two workers. Each mode runs in a fresh process over a fresh
database; wall seconds, documents per second, CPU seconds of every process the mode ran (its
workers, Dask's and the Prefect server included), the process's peak RSS (worker processes counted
apart) are printed, and Prefect's overhead over bare extraction. With ``--rounds N`` the modes run
in turn N times and the median round is shown: other jobs on the machine then weigh on every mode.

    .venv/bin/python benchmarks/batch.py --files 1000            # the issue's comparison
    .venv/bin/python benchmarks/batch.py --files 1000 --modes extract-cmd,ingest-cmd --rounds 3   # whole commands
    .venv/bin/python benchmarks/batch.py --files 1000 --memory 10000   # and peak memory at 10,000 files
    .venv/bin/python benchmarks/batch.py --texts ../shared/corpus/dev/docs --texts ../shared/corpus/practice/docs

The documents are the sample letters in data/raw (or the ``--texts`` folders' .txt files), each
with a line of its own appended (distinct sha256). The ingest modes exclude their start (printed
apart, ``start s``): the Prefect server's, and beside it their worker processes' (on the Dask
workers too, as on a long-lived cluster), as ``saraban ingest`` starts them; it is paid once per
run, whatever the batch's size. Bare extraction's start is its imports and word lists, which
``saraban extract`` pays too. ``CPU s by process`` splits the CPU column: this process (the flow,
its task threads, storing), saraban's worker processes, the Prefect server, Dask's workers.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_documents(folder: Path, count: int, texts: list[str] | None = None) -> None:
    letters = (sorted(p for t in texts for p in Path(t).glob("*.txt")) if texts
               else sorted((ROOT / "data" / "raw").glob("00[0-4]_*.txt")))
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        source = letters[n % len(letters)]
        (folder / f"doc_{n:05d}.txt").write_bytes(source.read_bytes() + f"\nอ้างอิงชุดที่ {n}\n".encode())


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


ROLES = ("main", "workers", "server", "dask")


def cpu_by_role() -> dict[str, float]:
    """CPU seconds so far by who spent them: this process (``main``: the flow, its task threads and
    the store), saraban's worker processes (ended ones included: a run stops its workers), the
    Prefect server, and Dask's processes."""
    import psutil

    def used(who: int) -> float:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    roles = dict.fromkeys(ROLES, 0.0)
    roles["main"], roles["workers"] = used(resource.RUSAGE_SELF), used(resource.RUSAGE_CHILDREN)
    for child in psutil.Process().children(recursive=True):
        try:
            times, command = child.cpu_times(), " ".join(child.cmdline())
        except psutil.Error:
            continue
        role = "server" if "uvicorn" in command else "workers" if "flows.worker" in command else "dask"
        roles[role] += times.user + times.system
        roles["workers"] += times.children_user + times.children_system  # ended workers of a Dask worker
    return roles




def run_mode(mode: str, folder: Path, work: Path, workers: int) -> dict:
    """One mode in this process; prints its figures as JSON."""
    from models.options import Options

    warm_up_s = 0.0
    if mode in ("bare", "stored"):  # extracting in this process: its imports and word lists are its start
        started = time.perf_counter()
        from extractors.process import warm_up

        warm_up()  # (ingest's own process never loads them: its worker processes do, inside its start)
        warm_up_s = time.perf_counter() - started
    if mode == "bare":
        from extractors.process import extract_with_text
        from flows.files import expand

        started, cpu = time.perf_counter(), cpu_by_role()
        count = sum(1 for path in expand([str(folder)]) if extract_with_text(path, Options()))
        seconds, cpu = time.perf_counter() - started, _spent(cpu)
        return {"mode": mode, "documents": count, "seconds": seconds, "start_s": warm_up_s, "cpu_s": sum(cpu.values()),
                "cpu": cpu, "peak_mb": peak_mb(resource.RUSAGE_SELF), "workers_peak_mb": 0.0}
    if mode == "stored":  # what ingest does without Prefect or worker processes: read, index, store
        from extractors.process import extract_with_text
        from extractors.version import extractor_version
        from flows.files import expand
        from models import db, search_index
        from pipeline.pages import reading_to_json

        engine = db.connect(f"sqlite:///{work / 'stored.sqlite'}")
        search_index.warm(engine)
        started, cpu = time.perf_counter(), cpu_by_role()
        batch, count = [], 0
        for path in expand([str(folder)]):
            extracted = extract_with_text(path, Options())
            batch.append(db.ToStore(extracted.record, extracted.text,
                                    reading_to_json(extracted.raw) if extracted.raw else None, extractor_version(),
                                    search_index.index_entry(engine, extracted.record, extracted.text)))
            if len(batch) == 64:
                count += sum(r.inserted for r in db.load_records(engine, batch))
                batch = []
        count += sum(r.inserted for r in db.load_records(engine, batch)) if batch else 0
        seconds, cpu = time.perf_counter() - started, _spent(cpu)
        return {"mode": mode, "documents": count, "seconds": seconds, "start_s": warm_up_s, "cpu_s": sum(cpu.values()),
                "cpu": cpu, "peak_mb": peak_mb(resource.RUSAGE_SELF), "workers_peak_mb": 0.0}
    if mode == "pool":
        return _run_pool(folder, work, workers)
    from flows.server import prefect_api, start_server
    from flows.worker import warm_workers, workers_ready

    url = f"sqlite:///{work / f'{mode}.sqlite'}"
    cluster = None
    if mode == "dask":  # a long-lived cluster: its own start is not the run's
        import distributed

        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
    # As `saraban ingest` starts (flows/cli.py): the server, the worker processes, and Prefect
    # imported while they warm up (on the Dask workers too); the start is shown apart, paid once a run.
    start_began = time.perf_counter()
    server = start_server()
    if mode == "dask":
        from flows.ingest import ingest_flow, runner_for, warm_dask_workers

        runner, pool = runner_for("dask", cluster.scheduler_address, 1), 1
        with distributed.Client(cluster) as client:
            client.run(warm_dask_workers, pool, url)
    else:
        warm_workers(workers, url)
        from flows.ingest import ingest_flow, runner_for

        runner, pool = runner_for("threads", None, workers), workers
        workers_ready(pool)
    with prefect_api(server=server):
        start_s = time.perf_counter() - start_began
        started, cpu = time.perf_counter(), cpu_by_role()
        report = ingest_flow.with_options(task_runner=runner)([str(folder)], url, str(work / "quarantine"), Options(),
                                                              workers=pool)
        seconds, cpu = time.perf_counter() - started, _spent(cpu)
    if cluster is not None:
        cluster.close()
    return {"mode": mode, "documents": report.full_counts()["loaded"], "seconds": seconds, "start_s": start_s,
            "cpu_s": sum(cpu.values()), "cpu": cpu, "peak_mb": peak_mb(resource.RUSAGE_SELF), "workers_peak_mb": peak_mb(resource.RUSAGE_CHILDREN)}


def _run_pool(folder: Path, work: Path, workers: int) -> dict:
    """ingest's own body (flows.ingest._ingest: the same chunks, worker processes, store thread and
    database) with its tasks on plain threads: no Prefect server, flow or task runs. Against
    ``threads`` this is Prefect's own share; its start is the worker processes' warm-up."""
    import concurrent.futures

    from flows import ingest
    from flows.worker import warm_workers, workers_ready
    from models.options import Options

    class PlainTask:  # load_documents.submit without Prefect: a future from a pool of ``workers`` threads
        def __init__(self, pool: concurrent.futures.ThreadPoolExecutor):
            self.pool = pool

        def submit(self, *args):  # noqa: ANN002, ANN201
            return self.pool.submit(ingest._load_documents, *args)

    url = f"sqlite:///{work / 'pool.sqlite'}"
    start_began = time.perf_counter()
    warm_workers(workers, url)
    workers_ready(workers)
    start_s = time.perf_counter() - start_began
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        ingest.load_documents, ingest.as_completed = PlainTask(pool), concurrent.futures.as_completed
        started, cpu = time.perf_counter(), cpu_by_role()
        report = ingest._ingest([str(folder)], url, str(work / "quarantine"), Options(), workers=workers)
        seconds, cpu = time.perf_counter() - started, _spent(cpu)
    return {"mode": "pool", "documents": report.full_counts()["loaded"], "seconds": seconds, "start_s": start_s,
            "cpu_s": sum(cpu.values()), "cpu": cpu, "peak_mb": peak_mb(resource.RUSAGE_SELF),
            "workers_peak_mb": peak_mb(resource.RUSAGE_CHILDREN)}


def _spent(before: dict[str, float]) -> dict[str, float]:
    return {role: spent - before[role] for role, spent in cpu_by_role().items()}


COMMANDS = {  # whole commands as a user runs them, start and all
    "extract-cmd": lambda folder, work: ["extract", str(folder)],
    "ingest-cmd": lambda folder, work: ["ingest", str(folder), "--db", f"sqlite:///{work / 'cmd.sqlite'}"],
}


def measure_command(mode: str, folder: Path, work: Path, workers: int) -> dict:
    """A saraban command timed from its process's start to its exit (start-up, imports, the Prefect
    server and worker processes included), its output thrown away."""
    arguments = COMMANDS[mode](folder, work) + (["--workers", str(workers)] if mode == "ingest-cmd" else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([str(Path(sys.executable).with_name("saraban")), *arguments], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        raise SystemExit(f"{mode} failed:\n{result.stderr[-3000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    documents = sum(1 for _ in folder.glob("*.txt"))
    return {"mode": mode, "documents": documents, "seconds": seconds, "start_s": 0.0, "cpu_s": cpu,
            "cpu": {**dict.fromkeys(ROLES, 0.0), "main": cpu}, "peak_mb": 0.0, "workers_peak_mb": 0.0}  # not per command


def measure(mode: str, folder: Path, work: Path, workers: int) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    if mode in COMMANDS:
        return measure_command(mode, folder, work, workers)
    result = subprocess.run([sys.executable, __file__, "--run", mode, "--folder", str(folder), "--work", str(work),
                             "--workers", str(workers)], capture_output=True, text=True, cwd=str(ROOT))
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode or not lines:
        raise SystemExit(f"{mode} failed:\n{result.stderr[-3000:]}")
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--modes", default="bare,stored,threads,dask")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory", type=int, default=0, help="also ingest this many files and compare peak memory")
    parser.add_argument("--rounds", type=int, default=1, help="run the modes in turn this many times; median shown")
    parser.add_argument("--texts", action="append", help="a folder of .txt letters to copy (default data/raw)")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_mode(args.run, Path(args.folder), Path(args.work), args.workers)))
        return
    with tempfile.TemporaryDirectory(prefix="saraban-batch-bench-") as tmp:
        work = Path(tmp)
        make_documents(work / "docs", args.files, args.texts)
        modes = args.modes.split(",")
        loads = [os.getloadavg()[0]]
        rounds = []
        for n in range(args.rounds):
            rounds.append({mode: measure(mode, work / "docs", work / f"r{n}", args.workers) for mode in modes})
            loads.append(os.getloadavg()[0])
        rows = [sorted((r[mode] for r in rounds), key=lambda row: row["seconds"])[len(rounds) // 2] for mode in modes]
        print(f"{args.files} text documents, {os.cpu_count()} cores, {args.rounds} round(s), load average "
              + " ".join(f"{load:.1f}" for load in loads))
        print(f"{'mode':<8} {'docs':>6} {'seconds':>8} {'docs/s':>7} {'CPU s':>7} {'start s':>9} {'peak MB':>8} "
              f"{'workers MB':>11}")
        for r in rows:
            print(f"{r['mode']:<8} {r['documents']:>6} {r['seconds']:>8.1f} {r['documents'] / r['seconds']:>7.1f} "
                  f"{r['cpu_s']:>7.1f} {r['start_s']:>9.1f} {r['peak_mb']:>8.0f} {r['workers_peak_mb']:>11.0f}")
        print("CPU s by process: " + "; ".join(
            f"{r['mode']} " + " ".join(f"{role} {r['cpu'][role]:.1f}" for role in ROLES if r["cpu"][role] >= 0.05)
            for r in rows))
        if args.rounds > 1:
            for mode in modes:
                print(f"{mode} seconds by round: " + " ".join(f"{r[mode]['seconds']:.1f}" for r in rounds))
        bare = next((r for r in rows if r["mode"] == "bare"), None)
        for r in rows:
            if bare and r is not bare and r["mode"] != "stored":
                ratios = [round[r["mode"]]["seconds"] / round["bare"]["seconds"] for round in rounds]
                print(f"{r['mode']}: {statistics.median(ratios):.2f} × bare extraction's time, median of the rounds "
                      f"(overhead {100 * (statistics.median(ratios) - 1):+.0f} %; "
                      f"{100 * ((r['seconds'] + r['start_s']) / (bare['seconds'] + bare['start_s']) - 1):+.0f} % with each one's start; "
                      f"CPU {100 * (r['cpu_s'] / bare['cpu_s'] - 1):+.0f} %)")
        if "extract-cmd" in modes and "ingest-cmd" in modes:
            ratios = [round["ingest-cmd"]["seconds"] / round["extract-cmd"]["seconds"] for round in rounds]
            print(f"saraban ingest: {statistics.median(ratios):.2f} × saraban extract's time, whole commands, median "
                  f"of the rounds (overhead {100 * (statistics.median(ratios) - 1):+.0f} %; by round "
                  + " ".join(f"{ratio:.2f}" for ratio in ratios) + ")")
        if "pool" in modes and "threads" in modes:
            ratios = [round["threads"]["seconds"] / round["pool"]["seconds"] for round in rounds]
            with_start = [(round["threads"]["seconds"] + round["threads"]["start_s"])
                          / (round["pool"]["seconds"] + round["pool"]["start_s"]) for round in rounds]
            print(f"Prefect's own share: threads {statistics.median(ratios):.2f} × pool's time (the same ingest on "
                  f"plain threads), median of the rounds ({100 * (statistics.median(ratios) - 1):+.0f} %; "
                  f"{100 * (statistics.median(with_start) - 1):+.0f} % with each one's start)")
        stored = next((r for r in rows if r["mode"] == "stored"), None)
        for r in rows:
            if stored and r["mode"] in ("threads", "dask"):
                ratios = [round[r["mode"]]["seconds"] / round["stored"]["seconds"] for round in rounds]
                print(f"{r['mode']}: {statistics.median(ratios):.2f} × stored's time (the same work without Prefect "
                      f"or worker processes), median of the rounds; CPU {100 * (r['cpu_s'] / stored['cpu_s'] - 1):+.0f} %")
        if bare and stored:
            ratios = [round["stored"]["seconds"] / round["bare"]["seconds"] for round in rounds]
            print(f"stored: {statistics.median(ratios):.2f} × bare extraction's time: what indexing and storing cost "
                  f"(CPU {100 * (stored['cpu_s'] / bare['cpu_s'] - 1):+.0f} %)")
        if args.memory:
            make_documents(work / "many", args.memory, args.texts)
            small = next(r for r in rows if r["mode"] == "threads") if "threads" in modes else \
                measure("threads", work / "docs", work / "small", args.workers)
            large = measure("threads", work / "many", work / "many-run", args.workers)
            print(f"peak RSS of the ingest process: {small['peak_mb']:.0f} MB at {args.files} files, "
                  f"{large['peak_mb']:.0f} MB at {args.memory} files ({100 * (large['peak_mb'] / small['peak_mb'] - 1):+.0f} %;"
                  f" {large['seconds']:.0f} s, {large['documents']} loaded, load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
