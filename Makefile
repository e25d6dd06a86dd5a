# The two commands of the README work without make; these are conveniences.
.PHONY: bench bench-small bench-spark bench-store eval test

# Benchmark against ripgrep and a Python baseline (50 MB and 500 MB corpora).
bench:
	bench/run.sh --sizes 50 500 --repeat 3 --write-docs
	$(MAKE) bench-store bench-spark

# Results per second into SQLite and PostgreSQL with 1, 2 and 4 writers (docs/scale.md).
bench-store:
	scripts/install-deps
	swift build -c release --product callqc
	python3 bench/store.py --calls 8000

# A quick run on a 20 MB corpus.
bench-small:
	bench/run.sh --sizes 20

# Spark local[2] against one plain run over the same 50,000 calls, best of 3 (docs/scale.md, "Batch
# checks on Spark"): wall times, calls a second, and a check that the outputs are the same byte for byte.
bench-spark:
	scripts/install-deps
	swift build -c release --product callqc
	python3 bench/spark_bench.py --calls 50000 --master 'local[2]' --partitions 2 4 --repeat 3

# Precision, recall and F1 of the rule sets on the labelled sets (docs/eval.md): the
# development set the lexicons were tuned on, then the held-out set they were not.
eval:
	swift build -c release --product callqc
	@echo "== development set (eval/dev: the lexicons were tuned on it)"
	.build/release/callqc eval eval/dev/ --quiet
	@echo
	@echo "== held-out set (eval/heldout: written blind, never tuned on)"
	.build/release/callqc eval eval/heldout/ --quiet

test:
	scripts/install-deps && swift test --disable-swift-testing
