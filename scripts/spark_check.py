#!/usr/bin/env python3
"""Batch checks on Spark: every partition's calls piped through `callqc check -` (docs/scale.md).

Reads callqc JSON Lines files (one call a line) or a table, starts one
`callqc check - --input-format jsonl --format jsonl` per partition on the executors,
writes each line of the partition to it and reads back exactly one result line per call
(a `callqc.error/1` line for a line that is not a call), and writes the results:

  as JSON Lines     --out DIR --out-format jsonl     (callqc's own lines, in input order)
  as Parquet        --out DIR --out-format parquet   (position, call_id, record, score, grade, veto, result)
  into a database   --db postgres://...              (passed to callqc: each partition stores its own)

Examples:
  python3 scripts/spark_check.py --master 'local[2]' --input calls/ --out results/ --out-format jsonl
  spark-submit scripts/spark_check.py --input hdfs:///qc/2026-12-01/ --callqc /opt/callqc/bin/callqc \\
      --db postgres://qc@db.internal/qc
  python3 scripts/spark_check.py --sql "CREATE TEMPORARY VIEW calls USING json OPTIONS (path 'day.jsonl')" \\
      --table calls --order-by id --out results.parquet --out-format parquet
  python3 scripts/spark_check.py --show results.parquet     # Parquet results back as JSON Lines, in order

Every result keeps its input position (the line in the input files taken in name order, or
the row in --order-by order): the JSON Lines output is in that order, and a callqc.error/1
line names that position as its "line", so the output is the same, byte for byte, as one
`callqc check - --format jsonl` over the same lines.
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import threading

JSONL_EXTENSIONS = (".jsonl", ".ndjson")
ERROR_PREFIX = re.compile(r'^\{"schema":"callqc\.error/1","source":"-","line":(?:\d+|null),')
PARQUET_SCHEMA = ("position long, call_id string, record string, score double, grade string, "
                  "veto boolean, result string")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    src = p.add_argument_group("input (one of)")
    src.add_argument("--input", nargs="+", metavar="PATH",
                     help="JSON Lines files, folders of them (.jsonl, .ndjson, walked in name order) or "
                          "globs; a URL (hdfs://, s3a://) is given to Spark as it is")
    src.add_argument("--table", help="a Spark SQL table or view: its columns are a call's fields "
                                     "(id, agent, date, language, script, metadata, turns), or see --json-column")
    src.add_argument("--jdbc", metavar="URL", help="read --jdbc-table through Spark's JDBC source (driver jar via --jars)")
    src.add_argument("--show", metavar="DIR", help="print Parquet results written by --out-format parquet as JSON Lines, in input order")
    tbl = p.add_argument_group("tables")
    tbl.add_argument("--sql", action="append", default=[], metavar="STATEMENT",
                     help="a Spark SQL statement run first (repeatable): CREATE TEMPORARY VIEW ... USING json/parquet/jdbc")
    tbl.add_argument("--jdbc-table", help="the table (or a parenthesised query with an alias) for --jdbc")
    tbl.add_argument("--jdbc-user")
    tbl.add_argument("--jdbc-password-env", metavar="VAR", help="the environment variable holding the JDBC password")
    tbl.add_argument("--jdbc-driver", metavar="CLASS", help="the JDBC driver class, when the URL does not find it")
    tbl.add_argument("--json-column", help="a column holding each call's callqc JSON as text, instead of one column per field")
    tbl.add_argument("--order-by", help="columns giving the input order of a table's rows (default: id, when there is one)")
    out = p.add_argument_group("output")
    out.add_argument("--out", metavar="DIR", help="write the results here (part files, in input order)")
    out.add_argument("--out-format", choices=["jsonl", "parquet"], default="jsonl")
    out.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    out.add_argument("--db", metavar="URL", help="passed to callqc: each partition stores its results (postgres://...; "
                                                  "a SQLite file only when every executor is on one machine)")
    run = p.add_argument_group("callqc and Spark")
    run.add_argument("--callqc", help="the callqc binary on the executors (default: callqc on PATH, else this "
                                      "checkout's .build/release/callqc, else .build/debug/callqc)")
    run.add_argument("--rules", help="passed to callqc: one rule set for every call")
    run.add_argument("--script", help="passed to callqc: one script for every call")
    run.add_argument("--no-redact", action="store_true", help="passed to callqc: personal data unmasked in the results")
    run.add_argument("--batch", type=int, default=256, help="passed to callqc: calls checked at once (default 256)")
    run.add_argument("--master", help="Spark master (default: what spark-submit or the environment says)")
    run.add_argument("--partitions", type=int, help="at least this many partitions (callqc processes) for JSON Lines input; "
                                                     "exactly this many for a table")
    run.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE", help="a Spark setting (repeatable)")
    run.add_argument("--quiet", action="store_true", help="no summary line on standard error")
    args = p.parse_args(argv)
    sources = [x for x in (args.input, args.table, args.jdbc, args.show) if x]
    if len(sources) != 1:
        p.error("give one input: --input, --table, --jdbc or --show")
    if args.jdbc and not args.jdbc_table:
        p.error("--jdbc needs --jdbc-table")
    if not args.show and not args.out and not args.db:
        p.error("say where the results go: --out DIR, --db URL, or both")
    if args.batch < 1:
        p.error("--batch must be at least 1")
    if args.partitions is not None and args.partitions < 1:
        p.error("--partitions must be at least 1")
    for kv in args.conf:
        if "=" not in kv:
            p.error(f"--conf {kv}: expected KEY=VALUE")
    return args


def find_callqc(given):
    """The callqc binary, as an absolute path when it is a file (executors may run elsewhere)."""
    if given:
        return os.path.abspath(given) if os.path.exists(given) else given
    on_path = shutil.which("callqc")
    if on_path:
        return on_path
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for build in ("release", "debug"):
        candidate = os.path.join(root, ".build", build, "callqc")
        if os.access(candidate, os.X_OK):
            return candidate
    sys.exit("spark_check: no callqc binary: build it (swift build -c release) or give --callqc PATH")


def callqc_command(args, binary):
    command = [binary, "check", "-", "--input-format", "jsonl", "--format", "jsonl", "--no-progress",
               "--batch", str(args.batch)]
    for flag, value in (("--rules", args.rules), ("--script", args.script), ("--db", args.db)):
        if value:
            command += [flag, os.path.abspath(value) if flag != "--db" and os.path.exists(value) else value]
    if args.no_redact:
        command.append("--no-redact")
    return command


def preflight(command):
    """Runs callqc once on the driver over no input, when the driver has it: a usage error (a bad
    flag, a rule set that cannot be read) stops here, before Spark starts, not in every task.
    --db is left out: the database is the executors' to reach."""
    if not os.path.isfile(command[0]):
        return
    probe = []
    skip = False
    for part in command:
        if skip:
            skip = False
        elif part == "--db":
            skip = True
        else:
            probe.append(part)
    done = subprocess.run(probe, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0:
        sys.exit(f"spark_check: callqc refuses the run (status {done.returncode}): {' '.join(probe)}\n"
                 + done.stderr.decode("utf-8", "replace").strip())


def is_blank(line):
    """What callqc skips without an answer: a line of spaces, tabs and line ends only."""
    return line.strip(" \t\r\n") == ""


def one_line(text):
    """A call's JSON on one line: callqc answers line by line."""
    if "\n" not in text and "\r" not in text:
        return text
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    except ValueError:
        return re.sub(r"[\r\n]+", " ", text)   # not JSON anyway: one line, one error


def check_partition(command):
    """A function for mapPartitions: (position, line) pairs in, (position, result line) out.

    One callqc process per partition: a thread writes the lines to its standard input while
    the results are read back, one per line, in order; the positions wait in a queue to be
    paired with them. A callqc.error/1 line gets the position as its line number."""

    def run(pairs):
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        waiting = collections.deque()
        failure = []
        stderr_tail = collections.deque(maxlen=40)

        def write():
            try:
                for position, line in pairs:
                    waiting.append(position)
                    proc.stdin.write(line.encode("utf-8") + b"\n")
            except BrokenPipeError:
                pass   # callqc ended early: its status and standard error say why
            except Exception as e:  # an error of the input's own iterator: reported after
                failure.append(e)
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        def drain():
            for raw in proc.stderr:
                stderr_tail.append(raw.decode("utf-8", "replace").rstrip("\n"))

        writer = threading.Thread(target=write, daemon=True)
        reader = threading.Thread(target=drain, daemon=True)
        writer.start()
        reader.start()
        answered = 0
        for raw in proc.stdout:
            line = raw.decode("utf-8").rstrip("\n")
            if not waiting:
                proc.kill()
                raise RuntimeError(f"callqc wrote more lines than it was given ({answered} expected): {line[:200]}")
            position = waiting.popleft()
            if line.startswith('{"schema":"callqc.error/1"'):
                line = ERROR_PREFIX.sub(f'{{"schema":"callqc.error/1","source":"-","line":{position + 1},', line, count=1)
            answered += 1
            yield position, line
        writer.join()
        status = proc.wait()
        reader.join()
        if failure:
            raise failure[0]
        if status != 0 or waiting:
            tail = "\n".join(stderr_tail)
            raise RuntimeError(f"callqc exited with status {status} after {answered} results, "
                               f"{len(waiting)} lines unanswered: {' '.join(command)}\n{tail}")

    return run


def local_jsonl_files(path):
    """A local path's JSON Lines files in name order (folders walked depth first, hidden skipped)."""
    import glob
    matches = sorted(glob.glob(path)) if any(c in path for c in "*?[") else [path]
    files = []
    for m in matches:
        if os.path.isdir(m):
            for dirpath, dirnames, filenames in os.walk(m):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                files += [os.path.join(dirpath, f) for f in sorted(filenames)
                          if f.endswith(JSONL_EXTENSIONS) and not f.startswith(".")]
        elif os.path.isfile(m):
            files.append(m)
    return files


def input_lines(spark, args):
    """(position, line) pairs in input order, blank lines left out (callqc answers none)."""
    paths = []
    for given in args.input:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", given) and not given.startswith("file://"):
            paths.append(given)
        else:
            found = local_jsonl_files(given[len("file://"):] if given.startswith("file://") else given)
            if not found:
                sys.exit(f"spark_check: {given}: no JSON Lines files (.jsonl, .ndjson)")
            paths += ["file://" + os.path.abspath(f) for f in found]
    sc = spark.sparkContext
    lines = sc.textFile(",".join(paths), minPartitions=args.partitions or sc.defaultMinPartitions)
    return lines.zipWithIndex().filter(lambda p: not is_blank(p[0])).map(lambda p: (p[1], p[0]))


def table_lines(spark, args):
    """(position, line) pairs of a table's rows in --order-by order."""
    if args.jdbc:
        reader = spark.read.format("jdbc").option("url", args.jdbc).option("dbtable", args.jdbc_table)
        if args.jdbc_user:
            reader = reader.option("user", args.jdbc_user)
        if args.jdbc_password_env:
            reader = reader.option("password", os.environ.get(args.jdbc_password_env, ""))
        if args.jdbc_driver:
            reader = reader.option("driver", args.jdbc_driver)
        df = reader.load()
    else:
        df = spark.table(args.table)
    columns = {c.lower(): c for c in df.columns}
    order = [c.strip() for c in args.order_by.split(",")] if args.order_by else [columns["id"]] if "id" in columns else []
    if order and args.partitions:
        # Ranges of the sorted rows, each sorted: partition by partition, the order.
        df = df.repartitionByRange(args.partitions, *order).sortWithinPartitions(*order)
    elif order:
        df = df.orderBy(*order)
    elif args.partitions:
        df = df.repartition(args.partitions)   # no order: positions are as Spark reads the rows
    if args.json_column:
        column = columns.get(args.json_column.lower(), args.json_column)
        rows = df.select(column).rdd.map(lambda r: one_line(r[0] if r[0] is not None else "null"))
    else:
        text_json = [f.name for f in df.schema.fields
                     if f.name.lower() in ("turns", "metadata") and f.dataType.simpleString() == "string"]
        rows = df.rdd.map(lambda r: row_json(r, text_json))
    return rows.zipWithIndex().map(lambda p: (p[1], p[0]))


def row_json(row, text_json):
    """A row as a call's JSON: its columns are the fields; turns and metadata held as JSON text are parsed."""
    record = {}
    for key, value in row.asDict(recursive=True).items():
        if value is None:
            continue
        if key in text_json:
            try:
                value = json.loads(value)
            except ValueError:
                pass   # callqc says what is wrong with it
        record[key] = value
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)


def parquet_row(pair):
    position, line = pair
    try:
        value = json.loads(line)
    except ValueError:
        value = {}
    if value.get("schema") == "callqc.result/1":
        score = value.get("score") or {}
        total = score.get("total")
        return (position, (value.get("call") or {}).get("id"), "result",
                float(total) if total is not None else None, score.get("grade"), score.get("veto"), line)
    return (position, None, "error", None, None, None, line)


def session(args):
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if args.master and args.master.startswith("local"):
        # One machine: the driver and its executors talk over the loopback interface only.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("callqc-check")
    if args.master:
        builder = builder.master(args.master)
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    for kv in args.conf:
        key, value = kv.split("=", 1)
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


def show(spark, directory):
    out = sys.stdout
    for row in spark.read.parquet(directory).orderBy("position").select("result").toLocalIterator():
        out.write(row[0] + "\n")
    out.flush()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    command = None
    if not args.show:
        command = callqc_command(args, find_callqc(args.callqc))
        preflight(command)
    spark = session(args)
    try:
        if args.show:
            show(spark, args.show)
            return 0
        for statement in args.sql:
            spark.sql(statement)
        pairs = input_lines(spark, args) if args.input else table_lines(spark, args)
        sc = spark.sparkContext
        results, errors = sc.accumulator(0), sc.accumulator(0)
        run = check_partition(command)

        def counted(it):
            for position, line in run(it):
                if line.startswith('{"schema":"callqc.error/1"'):
                    errors.add(1)
                else:
                    results.add(1)
                yield position, line

        checked = pairs.mapPartitions(counted, preservesPartitioning=True)
        if args.out:
            mode = "overwrite" if args.overwrite else "errorifexists"
            if args.out_format == "jsonl":
                frame = spark.createDataFrame(checked.map(lambda p: (p[1],)), "value string")
                frame.write.mode(mode).text(args.out)
            else:
                frame = spark.createDataFrame(checked.map(parquet_row), PARQUET_SCHEMA)
                frame.write.mode(mode).parquet(args.out)
        else:
            checked.foreach(lambda _: None)   # --db only: callqc stores them
        if not args.quiet:
            where = " and ".join(x for x in (args.out and f"{args.out} ({args.out_format})", args.db and "the database") if x)
            print(f"spark_check: {results.value} results, {errors.value} error lines, "
                  f"{pairs.getNumPartitions()} partitions: written to {where}", file=sys.stderr)
        return 0
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
