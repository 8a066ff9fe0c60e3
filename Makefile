# Thin wrapper; CMake does the build. `make test` is the README test command.
.PHONY: all run test clean
all:
	cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build/release -j$$(nproc)
run:
	./scripts/run.sh
test:
	./scripts/test.sh
clean:
	rm -rf build
