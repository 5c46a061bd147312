/* A program for the uprobe tests: each line read on stdin calls the
 * functions below once, so the test decides how often they run. */
#include <stdio.h>
#include <string.h>

extern int lib_scale(int x);

__attribute__((noinline)) int add(int a, int b) { return a + b; }

__attribute__((noinline)) long greet(const char *name) { return (long)strlen(name); }

int main(void) {
	char line[64];
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("ready\n");
	while (fgets(line, sizeof line, stdin)) {
		int n = add(40, 2);
		long g = greet("luabpf");
		printf("%d %d %ld\n", n, lib_scale(n), g);
	}
	return 0;
}
