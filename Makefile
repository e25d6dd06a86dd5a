# The two commands of the README work without make; these are conveniences.
.PHONY: bench bench-small eval test

# Benchmark against ripgrep and a Python baseline (50 MB and 500 MB corpora).
bench:
	bench/run.sh --sizes 50 500 --repeat 3 --write-docs

# A quick run on a 20 MB corpus.
bench-small:
	bench/run.sh --sizes 20

# Precision, recall and F1 of the rule sets on the labelled development set (docs/eval.md).
eval:
	swift run -c release callqc eval eval/

test:
	scripts/install-deps && swift test --disable-swift-testing
