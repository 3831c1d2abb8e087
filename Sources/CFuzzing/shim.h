// libFuzzer's driver, linked in by -sanitize=fuzzer (only the fuzz build calls it).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*user_callback)(const uint8_t *data, size_t size));
