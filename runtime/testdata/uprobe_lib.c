/* A shared library for the uprobe tests. */
__attribute__((noinline)) int lib_scale(int x) { return x * 3; }
