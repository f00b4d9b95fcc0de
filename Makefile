# The two commands of the README: `make run` and `make test`. Everything else supports them.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release
DATA_DIR ?= data/drums
RUN_DIR ?= runs/drums

.PHONY: all deps build test run example-data format clean

all: build

deps:
	bash scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j 1 -LE gpu

example-data: build
	bash scripts/make-example-data.sh $(DATA_DIR)

run: example-data
	bash scripts/run-example.sh $(BUILD_DIR)/audiogan $(DATA_DIR) $(RUN_DIR)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR)
